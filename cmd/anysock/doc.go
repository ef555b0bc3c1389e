// Command anysock inspects and uses every Linux socket family from the shell.
//
//	anysock probe [-json]                 which families this kernel supports
//	anysock cat [-l] NETWORK ADDRESS      join stdin/stdout to a socket (socat-like)
//	anysock links|addrs|routes|neigh [-json]
//	                                      rtnetlink queries, like ip -j ...
//	anysock monitor [-json]               link/address/route/neighbour events
//
// Run "anysock help" for the full list.
package main
