package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"text/tabwriter"

	"github.com/anysock/anysock/families/netlink/route"
)

func main() {
	netns := flag.String("netns", "", "network namespace name (under /var/run/netns)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *netns, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "routes:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, netns string, w io.Writer) error {
	var cfg *route.Config
	if netns != "" {
		f, err := os.Open("/var/run/netns/" + netns)
		if err != nil {
			return err
		}
		defer f.Close()
		cfg = &route.Config{NetNS: int(f.Fd())}
	}
	c, err := route.Dial(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()

	links, err := c.Links(ctx)
	if err != nil {
		return err
	}
	dev := map[int]string{}
	for _, l := range links {
		dev[l.Index] = l.Name
	}
	routes, err := c.Routes(ctx, route.FamilyAll)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tTYPE\tDESTINATION\tGATEWAY\tDEV\tPROTO\tSCOPE\tMETRIC")
	for _, r := range routes {
		dst := r.Dst.String()
		if r.Dst.Bits() == 0 {
			dst = "default"
		}
		gw := "-"
		if r.Gateway.IsValid() {
			gw = r.Gateway.String()
		}
		d := dev[r.OIF]
		for _, h := range r.NextHops { // multipath: list every hop
			gw, d = h.Gateway.String(), dev[h.OIF]
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", r.Table, r.Type, dst, gw, d, r.Protocol, r.Scope, r.Priority)
		}
		if len(r.NextHops) > 0 {
			continue
		}
		if d == "" {
			d = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", r.Table, r.Type, dst, gw, d, r.Protocol, r.Scope, r.Priority)
	}
	return tw.Flush()
}
