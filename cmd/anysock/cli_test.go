package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anysock/anysock/families"
)

func runCLI(ctx context.Context, stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	code = run(ctx, args, stdin, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	if code, _, stderr := runCLI(context.Background(), nil); code != 2 || !strings.Contains(stderr, "probe") {
		t.Fatalf("no args: code %d, stderr %q", code, stderr)
	}
	if code, _, stderr := runCLI(context.Background(), nil, "frobnicate"); code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: code %d, stderr %q", code, stderr)
	}
	if code, _, _ := runCLI(context.Background(), nil, "help"); code != 0 {
		t.Fatalf("help: code %d", code)
	}
}

func TestProbeJSON(t *testing.T) {
	code, stdout, stderr := runCLI(context.Background(), nil, "probe", "-json")
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	var res []families.Support
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("probe -json output is not JSON: %v\n%s", err, stdout)
	}
	byName := map[string]families.Support{}
	for _, s := range res {
		byName[s.Network] = s
	}
	if !byName["unix"].Supported || !byName["netlink"].Implemented {
		t.Fatalf("unexpected probe result: %+v", res)
	}
	if s, ok := byName["can"]; !ok || (!s.Supported && !strings.Contains(s.Reason, "can_raw")) {
		t.Fatalf("can entry %+v does not name its module", s)
	}
	// The table form has a header and one row per family.
	code, stdout, _ = runCLI(context.Background(), nil, "probe")
	if code != 0 || !strings.HasPrefix(stdout, "NETWORK") || strings.Count(stdout, "\n") != len(res)+1 {
		t.Fatalf("probe table (code %d):\n%s", code, stdout)
	}
}

// cat -l and cat, joined by an abstract Unix socket, exchange their stdins.
func TestCatListenAndDial(t *testing.T) {
	for _, network := range []string{"unix", "unixpacket"} {
		t.Run(network, func(t *testing.T) {
			addr := fmt.Sprintf("@anysock-cli-%d-%s", os.Getpid(), network)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			type result struct {
				code           int
				stdout, stderr string
			}
			lres := make(chan result, 1)
			go func() {
				c, o, e := runCLI(ctx, strings.NewReader("from listener\n"), "cat", "-l", network, addr)
				lres <- result{c, o, e}
			}()
			var code int
			var stdout, stderr string
			for i := 0; i < 100; i++ { // wait for the listener
				code, stdout, stderr = runCLI(ctx, strings.NewReader("from dialer\n"), "cat", network, addr)
				if code == 0 || !strings.Contains(stderr, "connection refused") {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			l := <-lres
			if code != 0 || l.code != 0 {
				t.Fatalf("dialer code %d (%s), listener code %d (%s)", code, stderr, l.code, l.stderr)
			}
			if stdout != "from listener\n" || l.stdout != "from dialer\n" {
				t.Fatalf("dialer got %q, listener got %q", stdout, l.stdout)
			}
		})
	}
}

func TestCatErrors(t *testing.T) {
	ctx := context.Background()
	code, _, stderr := runCLI(ctx, nil, "cat", "unix")
	if code != 2 || !strings.Contains(stderr, "netlink") {
		t.Fatalf("missing address: code %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(ctx, nil, "cat", "pigeon", "coop")
	if code != 1 || !strings.Contains(stderr, "known networks") {
		t.Fatalf("unknown network: code %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(ctx, nil, "cat", "unix", "/nonexistent/x.sock")
	if code != 1 || !strings.Contains(stderr, "no such file") {
		t.Fatalf("missing socket: code %d, stderr %q", code, stderr)
	}
}

// An interrupted cat -l (SIGINT cancels the context) exits 0.
func TestCatInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	code, _, stderr := runCLI(ctx, nil, "cat", "-l", "unix", fmt.Sprintf("@anysock-cli-int-%d", os.Getpid()))
	if code != 0 {
		t.Fatalf("interrupted listener: code %d, stderr %q", code, stderr)
	}
}
