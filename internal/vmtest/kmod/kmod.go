package kmod

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// IndexFile is the name of the index BuildIndex's result is saved as, in
// the module directory (lib/modules/<release>).
const IndexFile = "anysock-modules.json"

// Module is one loadable module.
type Module struct {
	// Name is the module's name as the kernel knows it, e.g. "can_raw".
	Name string `json:"name"`
	// Path is the .ko file relative to the module directory, e.g.
	// "kernel/net/can/can-raw.ko".
	Path string `json:"path"`
	// Depends lists the modules that must be loaded first.
	Depends []string `json:"depends,omitempty"`
	// SoftPre lists the "softdep pre:" modules, loaded first when present.
	SoftPre []string `json:"softpre,omitempty"`
}

// Index describes the modules of one kernel release.
type Index struct {
	// Release is the kernel release, e.g. "6.1.0-56-amd64".
	Release string `json:"release"`
	// Modules maps a module name to the module.
	Modules map[string]Module `json:"modules"`
	// Builtin holds the names of modules compiled into the kernel image.
	Builtin map[string]bool `json:"builtin"`
}

// Normalize returns the kernel's spelling of a module name: dashes become
// underscores ("can-raw" and "can_raw" are the same module).
func Normalize(name string) string {
	name = strings.TrimSuffix(filepath.Base(name), ".ko")
	return strings.ReplaceAll(name, "-", "_")
}

// Modinfo is the parsed .modinfo section of a module.
type Modinfo struct {
	Name    string
	Depends []string
	SoftPre []string
}

// ParseModinfo parses the contents of a module's .modinfo section: a
// sequence of NUL-terminated "key=value" strings. Unknown keys are ignored.
func ParseModinfo(b []byte) (Modinfo, error) {
	var mi Modinfo
	for _, kv := range bytes.Split(b, []byte{0}) {
		k, v, ok := strings.Cut(string(kv), "=")
		if !ok {
			continue // padding between entries, or a malformed entry
		}
		switch k {
		case "name":
			mi.Name = Normalize(v)
		case "depends":
			for d := range strings.SplitSeq(v, ",") {
				if d = strings.TrimSpace(d); d != "" {
					mi.Depends = append(mi.Depends, Normalize(d))
				}
			}
		case "softdep":
			// "pre: a b post: c"
			pre := false
			for f := range strings.FieldsSeq(v) {
				switch f {
				case "pre:":
					pre = true
				case "post:":
					pre = false
				default:
					if pre {
						mi.SoftPre = append(mi.SoftPre, Normalize(f))
					}
				}
			}
		}
	}
	if mi.Name == "" {
		return mi, errors.New("kmod: .modinfo has no name= entry")
	}
	return mi, nil
}

// BuildIndex reads every .ko file under dir (a lib/modules/<release>
// directory) and modules.builtin, and returns the index.
func BuildIndex(dir string) (*Index, error) {
	ix := &Index{
		Release: filepath.Base(dir),
		Modules: make(map[string]Module),
		Builtin: make(map[string]bool),
	}
	if b, err := os.ReadFile(filepath.Join(dir, "modules.builtin")); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				ix.Builtin[Normalize(line)] = true
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".ko") {
			return nil
		}
		mi, err := readModinfo(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		ix.Modules[mi.Name] = Module{Name: mi.Name, Path: rel, Depends: mi.Depends, SoftPre: mi.SoftPre}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("kmod: indexing %s: %w", dir, err)
	}
	if len(ix.Modules) == 0 {
		return nil, fmt.Errorf("kmod: no .ko files under %s (compressed modules are not supported)", dir)
	}
	return ix, nil
}

func readModinfo(path string) (Modinfo, error) {
	f, err := elf.Open(path)
	if err != nil {
		return Modinfo{}, err
	}
	defer f.Close()
	s := f.Section(".modinfo")
	if s == nil {
		return Modinfo{}, fmt.Errorf("%s: no .modinfo section", path)
	}
	b, err := s.Data()
	if err != nil {
		return Modinfo{}, fmt.Errorf("%s: %w", path, err)
	}
	mi, err := ParseModinfo(b)
	if err != nil {
		return mi, fmt.Errorf("%s: %w", path, err)
	}
	return mi, nil
}

// WriteFile saves the index as JSON in path, atomically (several test
// runners may build it at once).
func (ix *Index) WriteFile(path string) error {
	b, err := json.Marshal(ix)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".index-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ReadFile loads an index saved by WriteFile.
func ReadFile(path string) (*Index, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ix Index
	if err := json.Unmarshal(b, &ix); err != nil {
		return nil, fmt.Errorf("kmod: %s: %w", path, err)
	}
	if ix.Modules == nil {
		return nil, fmt.Errorf("kmod: %s: no modules", path)
	}
	return &ix, nil
}

// Order returns the modules to load so that names are available, each
// after its dependencies and exactly once. Built-in modules are left out.
// Soft pre-dependencies come first when the index has them and are skipped
// when it does not. An unknown name is an error naming the release.
func (ix *Index) Order(names ...string) ([]Module, error) {
	var out []Module
	state := make(map[string]int) // 1 visiting, 2 done
	var visit func(name string, chain []string, optional bool) error
	visit = func(name string, chain []string, optional bool) error {
		name = Normalize(name)
		switch state[name] {
		case 2:
			return nil
		case 1:
			return fmt.Errorf("kmod: dependency cycle: %s -> %s", strings.Join(chain, " -> "), name)
		}
		m, ok := ix.Modules[name]
		if !ok {
			if ix.Builtin[name] || optional {
				state[name] = 2
				return nil
			}
			if len(chain) > 0 {
				return fmt.Errorf("kmod: module %s (needed by %s) is not in kernel %s", name, strings.Join(chain, " <- "), ix.Release)
			}
			return fmt.Errorf("kmod: module %s is not in kernel %s (neither a .ko file nor built in)", name, ix.Release)
		}
		state[name] = 1
		chain = append(chain, name)
		for _, d := range m.SoftPre {
			if err := visit(d, chain, true); err != nil {
				return err
			}
		}
		for _, d := range m.Depends {
			if err := visit(d, chain, false); err != nil {
				return err
			}
		}
		state[name] = 2
		out = append(out, m)
		return nil
	}
	for _, n := range names {
		if err := visit(n, nil, false); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Names returns the sorted names of mods, for messages.
func Names(mods []Module) []string {
	s := make([]string, len(mods))
	for i, m := range mods {
		s[i] = m.Name
	}
	sort.Strings(s)
	return s
}
