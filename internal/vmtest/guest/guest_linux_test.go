package guest

import (
	"slices"
	"strings"
	"testing"

	"github.com/anysock/anysock/internal/leakcheck"
	"github.com/anysock/anysock/internal/vmtest/proto"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

func TestJobEnv(t *testing.T) {
	env := jobEnv(proto.Job{
		Env:       []string{"HOME=/root", "PATH=/opt/bin", "ANYSOCK_VMTEST=0", "ANYSOCK_REQUIRE_PEERS=0"},
		ModuleDir: "/m",
	})
	for _, want := range []string{"HOME=/root", "ANYSOCK_VMTEST=1", "ANYSOCK_REQUIRE_PEERS=1", "ANYSOCK_VMTEST_MODULES=/m"} {
		if !slices.Contains(env, want) {
			t.Errorf("env lacks %s: %q", want, env)
		}
	}
	for _, kv := range env {
		if kv == "ANYSOCK_VMTEST=0" || kv == "ANYSOCK_REQUIRE_PEERS=0" {
			t.Errorf("host value %s kept", kv)
		}
		if p, ok := strings.CutPrefix(kv, "PATH="); ok && (!strings.HasPrefix(p, "/opt/bin:") || !strings.Contains(p, "/usr/sbin")) {
			t.Errorf("PATH = %q, want the job's first, then the sbin directories", p)
		}
	}
}

func TestShellQuote(t *testing.T) {
	got := shellQuote([]string{"/tmp/x.test", "-test.run=^A$", "it's", ""})
	want := `/tmp/x.test '-test.run=^A$' 'it'\''s' ''`
	if got != want {
		t.Errorf("shellQuote = %s, want %s", got, want)
	}
}
