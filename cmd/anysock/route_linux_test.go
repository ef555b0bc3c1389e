//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anysock/anysock/internal/testenv"
)

// routeNS makes a network namespace with a veth pair, addresses and
// routes, deleted when the test ends. It returns its name and an ip runner.
func routeNS(t *testing.T) (string, func(args ...string) string) {
	t.Helper()
	testenv.RequireRoot(t, "network namespaces")
	ip := testenv.LookPeer(t, "ip")
	name := fmt.Sprintf("anysock-cli-%d-%s", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-"))
	if out, err := exec.Command(ip, "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command(ip, "netns", "del", name).Run() })
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(ip, append([]string{"-n", name}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	batch := `link set lo up
link add v0 type veth peer name v1
link set v0 up
link set v1 up
addr add 10.9.0.1/24 dev v0
addr add 2001:db8::1/64 dev v0 nodad
route add default via 10.9.0.2
route add 10.50.0.0/16 via 10.9.0.2 metric 5 mtu 1400
route add 10.51.0.0/16 dev v0 proto static
route add 10.52.0.0/16 via 10.9.0.3 src 10.9.0.1 proto dhcp table 100
route add 10.60.0.0/16 nexthop via 10.9.0.2 weight 2 nexthop via 10.9.0.3
route add blackhole 10.80.0.0/16
route add 10.85.0.0/16 via inet6 fe80::9 dev v0
route add 2001:db8:100::/48 via 2001:db8::2 metric 10
neigh add 10.9.0.7 lladdr 02:00:00:00:00:07 dev v0 nud permanent
`
	cmd := exec.Command(ip, "-n", name, "-batch", "-")
	cmd.Stdin = strings.NewReader(batch)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ip -batch: %v: %s", err, out)
	}
	return name, run
}

func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q is not one JSON object: %v", sc.Text(), err)
		}
		objs = append(objs, m)
	}
	return objs
}

func TestRoutesJSONMatchesIP(t *testing.T) {
	ns, ip := routeNS(t)
	var out, errb bytes.Buffer
	if err := cmdRoutes(context.Background(), []string{"-json", "-netns", ns}, nil, &out, &errb); err != nil {
		t.Fatalf("anysock routes: %v: %s", err, errb.String())
	}
	ours := jsonLines(t, out.String())
	var theirs []map[string]any
	if err := json.Unmarshal([]byte(ip("-j", "route", "show", "table", "all")), &theirs); err != nil {
		t.Fatal(err)
	}
	keys := []string{"type", "dst", "gateway", "dev", "table", "protocol", "scope", "prefsrc", "metric"}
	defaults := map[string]any{"type": "unicast", "table": "main", "protocol": "boot", "scope": "global", "metric": 0.0}
	key := func(m map[string]any) string {
		var b strings.Builder
		for _, k := range keys {
			v, ok := m[k]
			if !ok {
				v = defaults[k]
			}
			fmt.Fprintf(&b, "%s=%v ", k, v)
		}
		return b.String()
	}
	var got, want []string
	for _, m := range ours {
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("route %v lacks %q", m, k)
			}
		}
		got = append(got, key(m))
	}
	for _, m := range theirs {
		want = append(want, key(m))
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("anysock routes -json differs from ip -j route show table all:\nanysock:\n%s\nip:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Spellings.
	text := out.String()
	for _, s := range []string{`"dst":"default"`, `"table":"main"`, `"table":"local"`, `"table":"100"`, `"protocol":"kernel"`, `"protocol":"dhcp"`, `"scope":"link"`, `"type":"blackhole"`, `"mtu":1400`, `"nexthops":[`, `"via":{"family":"inet6","host":"fe80::9"}`} {
		if !strings.Contains(text, s) {
			t.Errorf("output lacks %s", s)
		}
	}
}

func TestListCommands(t *testing.T) {
	ns, ip := routeNS(t)
	for _, tc := range []struct {
		name string
		cmd  func(context.Context, []string, any, *bytes.Buffer, *bytes.Buffer) error
		ipjs []string
		want string
	}{
		{"links", nil, []string{"link", "show"}, "v0"},
		{"addrs", nil, nil, "10.9.0.1"},
		{"neigh", nil, []string{"neigh", "show"}, "02:00:00:00:00:07"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, js := range []bool{false, true} {
				args := []string{"-netns", ns}
				if js {
					args = append(args, "-json")
				}
				var out, errb bytes.Buffer
				if code := run(context.Background(), append([]string{tc.name}, args...), nil, &out, &errb); code != 0 {
					t.Fatalf("anysock %s: exit %d: %s", tc.name, code, errb.String())
				}
				if !strings.Contains(out.String(), tc.want) {
					t.Fatalf("anysock %s output lacks %q:\n%s", tc.name, tc.want, out.String())
				}
				if js && tc.ipjs != nil {
					var theirs []any
					json.Unmarshal([]byte(ip(append([]string{"-j"}, tc.ipjs...)...)), &theirs)
					if n := len(jsonLines(t, out.String())); n != len(theirs) {
						t.Fatalf("anysock %s -json printed %d objects, ip %d", tc.name, n, len(theirs))
					}
				}
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestMonitorUntilInterrupted(t *testing.T) {
	ns, ip := routeNS(t)
	for _, js := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		var out, errb syncBuffer
		args := []string{"monitor", "-netns", ns}
		if js {
			args = append(args, "-json")
		}
		done := make(chan int)
		go func() { done <- run(ctx, args, nil, &out, &errb) }()
		dst, want := "10.70.0.0/16", `[ROUTE] 10.70.0.0/16 via 10.9.0.2 dev v0 proto static`
		if js {
			dst, want = "10.71.0.0/16", `"dst":"10.71.0.0/16"`
		}
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(out.String(), want) {
			// Repeat the change (delete and add) until the monitor, which
			// may not have subscribed yet, reports it.
			ip("route", "replace", dst, "via", "10.9.0.2", "proto", "static")
			ip("route", "del", dst)
			if time.Now().After(deadline) {
				cancel()
				<-done
				t.Fatalf("monitor did not print %s; output:\n%s\nstderr: %s", want, out.String(), errb.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("monitor exit %d after interrupt: %s", code, errb.String())
		}
		if !js {
			for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				if !strings.HasPrefix(line, "[") && !strings.HasPrefix(line, "Deleted [") {
					t.Fatalf("event text not one line per event: %q", line)
				}
			}
		}
		if js {
			for _, m := range jsonLines(t, out.String()) {
				if _, ok := m["event"]; !ok {
					t.Fatalf("event object without \"event\": %v", m)
				}
			}
		}
	}
}
