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
package resolver
