package route

// A Config holds optional settings of a Conn or Watcher. A nil *Config means
// the defaults described on each field.
type Config struct {
	// NetNS is a file descriptor of the network namespace to work in (for
	// example an open /var/run/netns/NAME). Zero means the caller's
	// namespace. Needs CAP_SYS_ADMIN.
	NetNS int

	// DumpAttempts is how many times a dump interrupted by concurrent
	// changes (NLM_F_DUMP_INTR) is attempted in all before giving up with
	// a *DumpInterruptedError. Zero means 5; 1 means no retry.
	DumpAttempts int

	// ReadBuffer, if positive, sets the socket's receive buffer size
	// (SO_RCVBUF). A Watcher with a small buffer loses events sooner.
	ReadBuffer int

	// NoENOBUFS asks the kernel not to report lost events
	// (NETLINK_NO_ENOBUFS). Off by default: losses are reported as
	// ErrEventsLost.
	NoENOBUFS bool
}

func (c *Config) attempts() int {
	if c == nil || c.DumpAttempts <= 0 {
		return 5
	}
	return c.DumpAttempts
}
