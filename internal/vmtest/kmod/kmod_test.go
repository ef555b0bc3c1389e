package kmod_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/anysock/anysock/internal/leakcheck"
	"github.com/anysock/anysock/internal/testenv"
	"github.com/anysock/anysock/internal/vmtest/kmod"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

func TestParseModinfo(t *testing.T) {
	b := []byte("license=GPL\x00depends=can,can-dev\x00softdep=pre: crc32c post: foo\x00name=can_raw\x00\x00\x00vermagic=6.1.0 SMP\x00")
	mi, err := kmod.ParseModinfo(b)
	if err != nil {
		t.Fatal(err)
	}
	want := kmod.Modinfo{Name: "can_raw", Depends: []string{"can", "can_dev"}, SoftPre: []string{"crc32c"}}
	if !reflect.DeepEqual(mi, want) {
		t.Errorf("got %+v, want %+v", mi, want)
	}
	if _, err := kmod.ParseModinfo([]byte("depends=\x00")); err == nil {
		t.Error("modinfo without name accepted")
	}
	mi, err = kmod.ParseModinfo([]byte("depends=\x00name=x\x00"))
	if err != nil || len(mi.Depends) != 0 {
		t.Errorf("empty depends: %+v, %v", mi, err)
	}
}

func FuzzParseModinfo(f *testing.F) {
	f.Add([]byte("name=vcan\x00depends=can-dev\x00"))
	f.Add([]byte("softdep=pre: a b post: c pre: d\x00name=a-b\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		mi, err := kmod.ParseModinfo(b)
		if err != nil {
			return
		}
		if mi.Name == "" || strings.Contains(mi.Name, "-") {
			t.Fatalf("bad name %q", mi.Name)
		}
		for _, d := range append(mi.Depends, mi.SoftPre...) {
			if d == "" || strings.Contains(d, "-") {
				t.Fatalf("bad dependency %q in %+v", d, mi)
			}
		}
	})
}

func testIndex() *kmod.Index {
	mod := func(name string, deps ...string) kmod.Module {
		return kmod.Module{Name: name, Path: "kernel/" + name + ".ko", Depends: deps}
	}
	ix := &kmod.Index{Release: "test", Modules: map[string]kmod.Module{}, Builtin: map[string]bool{"unix": true}}
	for _, m := range []kmod.Module{
		mod("can"), mod("can_dev"), mod("can_raw", "can"), mod("vcan", "can_dev"),
		mod("bluetooth", "ecdh_generic", "rfkill"), mod("ecdh_generic", "ecc"), mod("ecc"), mod("rfkill"),
		mod("loop1", "loop2"), mod("loop2", "loop1"), mod("broken", "absent"),
	} {
		ix.Modules[m.Name] = m
	}
	soft := mod("soft", "can")
	soft.SoftPre = []string{"rfkill", "not_there"}
	ix.Modules["soft"] = soft
	return ix
}

func TestOrder(t *testing.T) {
	ix := testIndex()
	for _, tc := range []struct {
		in   []string
		want []string
	}{
		{[]string{"can-raw", "vcan"}, []string{"can", "can_raw", "can_dev", "vcan"}},
		{[]string{"vcan", "can_raw", "can"}, []string{"can_dev", "vcan", "can", "can_raw"}},
		{[]string{"bluetooth"}, []string{"ecc", "ecdh_generic", "rfkill", "bluetooth"}},
		{[]string{"unix", "can"}, []string{"can"}},
		{[]string{"soft"}, []string{"rfkill", "can", "soft"}},
		{[]string{"can_raw", "can_raw"}, []string{"can", "can_raw"}},
	} {
		mods, err := ix.Order(tc.in...)
		if err != nil {
			t.Errorf("Order(%v): %v", tc.in, err)
			continue
		}
		var got []string
		for _, m := range mods {
			got = append(got, m.Name)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Order(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for in, want := range map[string]string{
		"loop1":  "cycle",
		"broken": "absent (needed by broken)",
		"nosuch": "nosuch is not in kernel test",
	} {
		_, err := ix.Order(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Order(%s) error = %v, want it to mention %q", in, err, want)
		}
	}
}

// TestRealKernel indexes the kernel .ci/setup unpacked and checks the
// dependencies VMTEST.md lists.
func TestRealKernel(t *testing.T) {
	dirs, _ := filepath.Glob("../../../.cache/vmtest/kernel/current/lib/modules/*")
	if len(dirs) != 1 {
		if testenv.PeersRequired() {
			t.Fatal("no kernel under .cache/vmtest (make deps fetches it)")
		}
		t.Skip("no kernel under .cache/vmtest (make deps fetches it)")
	}
	ix, err := kmod.BuildIndex(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	mods, err := ix.Order("vcan", "bluetooth", "9p")
	if err != nil {
		t.Fatal(err)
	}
	names := kmod.Names(mods)
	for _, want := range []string{"can_dev", "vcan", "ecdh_generic", "ecc", "rfkill", "bluetooth", "9pnet", "netfs", "9p"} {
		if !slices.Contains(names, want) {
			t.Errorf("Order(vcan, bluetooth, 9p) = %v lacks %s", names, want)
		}
	}
	pos := func(n string) int {
		return slices.IndexFunc(mods, func(m kmod.Module) bool { return m.Name == n })
	}
	if pos("can_dev") > pos("vcan") || pos("9pnet") > pos("9p") || pos("ecc") > pos("bluetooth") {
		t.Errorf("dependencies not first: %v", mods)
	}
	path := filepath.Join(t.TempDir(), kmod.IndexFile)
	if err := ix.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	back, err := kmod.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, ix) {
		t.Error("index changed by WriteFile/ReadFile")
	}
}

func ExampleIndex_Order() {
	ix := &kmod.Index{Release: "6.1.0-56-amd64", Modules: map[string]kmod.Module{
		"can":     {Name: "can", Path: "kernel/net/can/can.ko"},
		"can_raw": {Name: "can_raw", Path: "kernel/net/can/can-raw.ko", Depends: []string{"can"}},
	}}
	mods, _ := ix.Order("can-raw")
	for _, m := range mods {
		fmt.Println(m.Name, m.Path)
	}
	// Output:
	// can kernel/net/can/can.ko
	// can_raw kernel/net/can/can-raw.ko
}
