package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// A command is one subcommand: it parses its own flags from args and writes
// to stdout/stderr. Returning errUsage prints the command's usage.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

// commands is the static table of subcommands.
var commands = map[string]command{
	"probe":   {"list socket families and whether this kernel supports them", cmdProbe},
	"cat":     {"join stdin/stdout to a socket of any family (socat-like)", cmdCat},
	"links":   {"list network links (like ip link)", cmdLinks},
	"addrs":   {"list IP addresses (like ip addr)", cmdAddrs},
	"routes":  {"list routes of all tables (like ip route show table all)", cmdRoutes},
	"neigh":   {"list ARP/NDP neighbours (like ip neigh)", cmdNeigh},
	"monitor": {"print link, address, route and neighbour events until interrupted", cmdMonitor},
}

// errUsage reports a usage error that the command has already described.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line args and returns the exit status: 0 on
// success, 1 on failure, 2 on a usage error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "anysock: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	err := cmd.run(ctx, args[1:], stdin, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		return 2
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return 0 // interrupted by the user
	default:
		fmt.Fprintf(stderr, "anysock %s: %v\n", args[0], err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: anysock COMMAND [ARGS]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
}

// newFlagSet returns a FlagSet for a subcommand that reports errors to
// stderr instead of exiting.
func newFlagSet(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: anysock %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}
