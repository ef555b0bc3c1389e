//go:build linux

package route

// NextSeq returns the sequence number c's next request will use.
func NextSeq(c *Conn) uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t.seq + 1
}

// NewLinkMsgType is RTM_NEWLINK as a header type, for forged messages.
const NewLinkMsgType = rtmNewLink

// SetRecvBuf replaces c's receive buffer with one of n bytes and returns a
// function reporting its current size.
func SetRecvBuf(c *Conn, n int) func() int {
	c.t.buf = make([]byte, n)
	return func() int { return len(c.t.buf) }
}
