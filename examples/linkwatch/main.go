package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/anysock/anysock/families/netlink/route"
)

func main() {
	netns := flag.String("netns", "", "network namespace name (under /var/run/netns)")
	d := flag.Duration("for", 0, "stop after this long (default: until interrupted)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *d)
		defer cancel()
	}
	if err := run(ctx, *netns, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "linkwatch:", err)
		os.Exit(1)
	}
}

// run prints one line per link event until ctx is done, then returns nil.
// ready, if not nil, is closed once the subscription is in place.
func run(ctx context.Context, netns string, w io.Writer, ready ...chan<- struct{}) error {
	var cfg *route.Config
	if netns != "" {
		f, err := os.Open("/var/run/netns/" + netns)
		if err != nil {
			return err
		}
		defer f.Close()
		cfg = &route.Config{NetNS: int(f.Fd())}
	}
	wt, err := route.Watch(ctx, cfg, route.GroupLink)
	if err != nil {
		return err
	}
	defer wt.Close()
	for _, r := range ready {
		close(r)
	}
	for {
		ev, err := wt.Next(ctx)
		switch {
		case ctx.Err() != nil:
			return nil // interrupted: a clean stop
		case errors.Is(err, route.ErrEventsLost):
			fmt.Fprintln(w, "(events lost; re-read links with route.Conn.Links)")
			continue
		case err != nil:
			return err
		}
		l := ev.Link
		state := "down"
		if l.Flags&route.FlagUp != 0 {
			state = "up"
		}
		verb := "changed"
		if ev.Type == route.DelLink {
			verb = "removed"
		}
		fmt.Fprintf(w, "%s %s link %d %s: %s, carrier %v, mtu %d, oper %s\n",
			time.Now().Format("15:04:05.000"), verb, l.Index, l.Name, state, l.Flags&route.FlagLowerUp != 0, l.MTU, l.OperState)
	}
}
