# CPython oracle for the resolver tests: reads a JSON list of calls
# [fn, args...] on stdin and writes a JSON list of results, each
# {"ok": value} or {"err": [exception class, code or null, message]}.
import json
import socket
import sys


def enc(v):
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    if isinstance(v, int) and not isinstance(v, bool):
        return int(v)
    return v


def call(fn, args):
    if fn == "inet_aton":
        return socket.inet_aton(args[0])
    if fn == "inet_ntoa":
        return socket.inet_ntoa(bytes.fromhex(args[0]))
    if fn == "inet_pton":
        return socket.inet_pton(args[0], args[1])
    if fn == "inet_ntop":
        return socket.inet_ntop(args[0], bytes.fromhex(args[1]))
    if fn == "getaddrinfo":
        host, port, fam, typ, proto, flags = args
        out = []
        for f, t, p, canon, sa in socket.getaddrinfo(host, port, fam, typ, proto, flags):
            scope = sa[3] if len(sa) > 3 else 0
            out.append([int(f), int(t), p, canon, sa[0], sa[1], scope])
        return out
    if fn == "getnameinfo":
        sa, flags = args
        return list(socket.getnameinfo(tuple(sa), flags))
    if fn in ("gethostbyname", "getfqdn", "getprotobyname"):
        return getattr(socket, fn)(args[0])
    if fn in ("gethostbyname_ex", "gethostbyaddr"):
        return list(getattr(socket, fn)(args[0]))
    if fn in ("getservbyname", "getservbyport"):
        return getattr(socket, fn)(*args)
    if fn in ("htons", "ntohs", "htonl", "ntohl"):
        return getattr(socket, fn)(args[0])
    if fn in ("if_nametoindex", "if_indextoname"):
        return getattr(socket, fn)(args[0])
    if fn == "if_nameindex":
        return [list(x) for x in socket.if_nameindex()]
    if fn == "gethostname":
        return socket.gethostname()
    if fn in ("CMSG_LEN", "CMSG_SPACE"):
        return getattr(socket, fn)(args[0])
    raise ValueError("unknown function " + fn)


def main():
    out = []
    for c in json.load(sys.stdin):
        try:
            out.append({"ok": enc(call(c[0], c[1:]))})
        except socket.gaierror as e:
            out.append({"err": ["gaierror", e.args[0], e.args[1]]})
        except socket.herror as e:
            out.append({"err": ["herror", e.args[0], e.args[1]]})
        except (OSError, ValueError, OverflowError, TypeError, UnicodeError) as e:
            out.append({"err": [type(e).__name__, None, str(e)]})
    json.dump(out, sys.stdout)


main()
