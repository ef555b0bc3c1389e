// Command ctxread shows a read that a context cancels: the goroutine parked
// in the runtime poller wakes at once, the error says why, and the
// connection stays usable for the next read.
package main
