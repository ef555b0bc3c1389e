// Package resolver offers the name and address functions of C's resolver
// library and of Python's socket module, with glibc's behaviour, on top of
// net.Resolver: getaddrinfo (GetAddrInfo), getnameinfo (GetNameInfo),
// gethostbyname and gethostbyname_ex, gethostbyaddr, getfqdn, gethostname,
// getservbyname and getservbyport, getprotobyname and getprotobynumber,
// if_nameindex, if_nametoindex and if_indextoname, inet_aton, inet_ntoa,
// inet_pton and inet_ntop, and the byte-order helpers.
//
// Lookups take a context.Context and go through a Resolver. Its zero value
// reads /etc/hosts, /etc/services and /etc/protocols (falling back to
// built-in tables when the latter two are missing) and asks DNS through
// net.DefaultResolver; setting Resolver.Net to a *net.Resolver with a custom
// Dial points every DNS query elsewhere, for example at a test server.
//
// Like glibc (nsswitch "hosts: files dns"), host names are looked up in the
// hosts file first and in DNS second, and getaddrinfo orders its results by
// the destination address selection rules of RFC 3484/6724 with glibc's
// default tables (no /etc/gai.conf support).
//
// Errors carry the codes C reports: *Error has an EAI code (EAI_NONAME,
// EAI_AGAIN...) with glibc's gai_strerror text, *HostError an h_errno
// (HOST_NOT_FOUND...). Both unwrap to their cause, so errors.Is(err,
// context.DeadlineExceeded) and errors.As(err, new(*net.DNSError)) work.
//
// Where Go has no NULL, an empty host or service string stands for C's NULL
// argument: GetAddrInfo(ctx, "", "80", ...) returns the loopback (or, with
// AI_PASSIVE, the wildcard) addresses.
//
// # Differences from glibc
//
// The tests compare every function with CPython (and so glibc) on a few
// hundred inputs, with the system's files and, in a private mount
// namespace, with test files and a test DNS server. What is known to
// differ:
//
//   - An empty host is NULL here; glibc looks the empty name up and fails.
//   - net.Resolver reports a name that exists without A or AAAA records
//     (NODATA) like a missing name, so EAI_NODATA is returned only when the
//     other address family has records; otherwise EAI_NONAME.
//   - /etc/gai.conf is not read, and RFC 3484 rules 3, 4 and 7 (deprecated
//     and home addresses, native transport) are not applied.
//   - IDN flags are accepted but names are not converted.
//   - Addresses from DNS come to the sort already ordered by the Go
//     resolver (RFC 6724), where glibc starts from the answer order; the
//     result differs only between addresses no rule separates.
//   - The Go resolver in Resolver.Net reads the system's /etc/hosts before
//     DNS, whatever Resolver.HostsFile says.
//
// A cancelled or expired context makes a lookup return at once, but the
// net package's Go resolver keeps its UDP socket open until its own
// resolv.conf timeout. A Resolver.Net whose Dial closes the connection when
// the dial context is done releases it at once.
package resolver
