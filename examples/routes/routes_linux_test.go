//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/anysock/anysock/internal/testenv"
)

func TestPrintsRoutingTable(t *testing.T) {
	testenv.RequireRoot(t, "network namespaces")
	ip := testenv.LookPeer(t, "ip")
	ns := fmt.Sprintf("anysock-exroutes-%d", os.Getpid())
	if out, err := exec.Command(ip, "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	defer exec.Command(ip, "netns", "del", ns).Run()
	cmd := exec.Command(ip, "-n", ns, "-batch", "-")
	cmd.Stdin = strings.NewReader(`link add v0 type veth peer name v1
link set v0 up
addr add 10.9.0.1/24 dev v0
route add default via 10.9.0.2
route add 10.60.0.0/16 nexthop via 10.9.0.2 nexthop via 10.9.0.3
route add 10.70.0.0/16 via 10.9.0.2 table 100 proto static metric 9
`)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var out bytes.Buffer
	if err := run(context.Background(), ns, &out); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", out.String())
	for _, re := range []string{
		`(?m)^main\s+unicast\s+default\s+10\.9\.0\.2\s+v0\s+boot\s+global\s+0$`,
		`(?m)^main\s+unicast\s+10\.9\.0\.0/24\s+-\s+v0\s+kernel\s+link\s+0$`,
		`(?m)^main\s+unicast\s+10\.60\.0\.0/16\s+10\.9\.0\.3\s+v0`,
		`(?m)^100\s+unicast\s+10\.70\.0\.0/16\s+10\.9\.0\.2\s+v0\s+static\s+global\s+9$`,
		`(?m)^local\s+local\s+10\.9\.0\.1/32\s+-\s+v0\s+kernel\s+host`,
	} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("output does not match %s", re)
		}
	}
}
