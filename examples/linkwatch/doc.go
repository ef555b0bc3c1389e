// Command linkwatch prints link events (interfaces appearing, going up or
// down, disappearing) until interrupted, using a route.Watcher whose every
// call is bounded by a context.
//
//	go run ./examples/linkwatch [-netns NAME] [-for 30s]
package main
