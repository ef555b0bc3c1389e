// Command httpunix serves HTTP on an abstract Unix socket through anysock's
// dispatcher and fetches a page from it with net/http: any anysock Listener
// is a net.Listener, any Conn a net.Conn.
package main
