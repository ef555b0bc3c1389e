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
