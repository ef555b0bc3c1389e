package anysock

import (
	"context"
	"sync"
	"time"
)

// A watcher turns context cancellation into poller wake-ups for one
// direction (read or write) of a socket, without a goroutine per call.
//
// mdlayher/socket starts a goroutine for every call made with a cancellable
// context; the runtime's own net.Conn has no contexts at all. Here a context
// is registered with context.AfterFunc; once a context is used for two calls
// in a row its registration is cached, so while callers keep passing the same
// context (the usual read loop) no registration, allocation or goroutine is
// needed per call. When a registered context
// is done while a call using it is in flight, the direction's deadline is
// forced into the past, which wakes every call parked in the poller. Calls
// whose own context is not done and whose own deadline has not passed see
// that wake-up as spurious: they wait until the cancelled call has returned
// and the user's deadline has been restored, then retry.
type watcher struct {
	// set applies a deadline to the socket's read or write direction.
	set func(time.Time) error
	// fire is w.onDone as a func value, built once.
	fire func()

	mu     sync.Mutex
	cond   sync.Cond         // signalled when forced is cleared
	user   time.Time         // deadline set with SetDeadline/SetReadDeadline/...
	forced bool              // the socket's deadline is forced into the past
	active []context.Context // contexts of calls in flight (may repeat)

	cached     context.Context // context registered for reuse
	cachedStop func() bool
	last       context.Context // context of the latest call, if not cached
}

func (w *watcher) init(set func(time.Time) error) {
	w.set = set
	w.fire = w.onDone
	w.cond.L = &w.mu
}

// pastDeadline is the deadline used to wake the poller.
var pastDeadline = time.Unix(1, 0)

// setDeadline records and applies the user's deadline. While a cancellation
// is being delivered the socket keeps its past deadline; the user's deadline
// is applied when the cancelled call returns.
func (w *watcher) setDeadline(t time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.user = t
	if w.forced {
		return nil
	}
	return w.set(t)
}

// begin registers ctx for a call. ctx.Done() must not be nil. It returns a
// per-call stop function when the cached registration is not used, and
// ctx.Err() if ctx is already done (in which case the call must not run and
// end must not be called).
//
// A context seen for the first time is registered for this call only and
// unregistered by end, so that a context made for one call and cancelled
// right after it costs no goroutine (context.AfterFunc runs its function in
// a new goroutine when the context is done). A context used for the second
// call in a row is registered for reuse: a read loop pays nothing per call.
func (w *watcher) begin(ctx context.Context) (stop func() bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.active = append(w.active, ctx)
	switch {
	case ctx == w.cached:
	case ctx == w.last && (w.cached == nil || !w.inUse(w.cached)):
		if w.cachedStop != nil {
			w.cachedStop()
		}
		w.cached = ctx
		w.cachedStop = context.AfterFunc(ctx, w.fire)
		w.last = nil
	default:
		stop = context.AfterFunc(ctx, w.fire)
	}
	w.mu.Unlock()
	return stop, nil
}

// inUse reports whether a call in flight uses ctx. w.mu must be held.
func (w *watcher) inUse(ctx context.Context) bool {
	for _, a := range w.active {
		if a == ctx {
			return true
		}
	}
	return false
}

// end unregisters a call started with begin.
func (w *watcher) end(ctx context.Context, stop func() bool) {
	if stop != nil {
		stop()
	}
	w.mu.Lock()
	for i, a := range w.active {
		if a == ctx {
			last := len(w.active) - 1
			w.active[i] = w.active[last]
			w.active[last] = nil
			w.active = w.active[:last]
			break
		}
	}
	if ctx != w.cached {
		w.last = ctx
	}
	if w.forced && !w.anyDone() {
		w.forced = false
		_ = w.set(w.user)
		w.cond.Broadcast()
	}
	w.mu.Unlock()
}

// anyDone reports whether a call in flight has a done context. w.mu must be
// held.
func (w *watcher) anyDone() bool {
	for _, a := range w.active {
		if a.Err() != nil {
			return true
		}
	}
	return false
}

// onDone runs (from context.AfterFunc) when a registered context is done.
func (w *watcher) onDone() {
	w.mu.Lock()
	if !w.forced && w.anyDone() {
		w.forced = true
		_ = w.set(pastDeadline)
	}
	w.mu.Unlock()
}

// retry is called after a call (using ctx, possibly nil) failed with a
// deadline error. It reports whether that error was caused by another call's
// cancellation rather than by ctx or the user's deadline; if so it first
// waits until the socket's deadline has been restored, and the call should
// be retried.
func (w *watcher) retry(ctx context.Context) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		if ctx != nil && ctx.Err() != nil {
			return false
		}
		if !w.forced {
			return w.user.IsZero() || time.Now().Before(w.user)
		}
		w.cond.Wait()
	}
}

// close drops the cached registration.
func (w *watcher) close() {
	w.mu.Lock()
	if w.cachedStop != nil {
		w.cachedStop()
		w.cachedStop = nil
	}
	w.cached = nil
	w.last = nil
	w.mu.Unlock()
}
