package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/anysock/anysock/families"
)

func cmdProbe(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("probe", "[-json]", stderr)
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	res := families.Probe()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NETWORK\tFAMILY\tKERNEL\tANYSOCK\tMODULES\tNOTE")
	for _, s := range res {
		kernel, impl := "no", "-"
		if s.Supported {
			kernel = "yes"
		}
		if s.Implemented {
			impl = "yes"
		}
		note := ""
		if !s.Supported {
			note = "modprobe " + strings.Join(s.Modules, " ")
		} else if s.Err != nil {
			note = s.Reason
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Network, s.Family, kernel, impl, strings.Join(s.Modules, ","), note)
	}
	return tw.Flush()
}
