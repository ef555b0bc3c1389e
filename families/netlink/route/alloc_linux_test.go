//go:build linux

package route_test

import (
	"context"
	"sync"
	"testing"

	"github.com/anysock/anysock/families/netlink/route"
)

// A dump allocates the result slice once, not per route: the allocation
// count does not grow with the table.
func TestRouteDumpAllocations(t *testing.T) {
	n := newNS(t)
	setupRich(t, n, 4000)
	c := n.dial(t)
	ctx := context.Background()
	var rs []route.Route
	var err error
	fresh := testing.AllocsPerRun(5, func() {
		if _, err = c.Routes(ctx, route.FamilyIPv4); err != nil {
			t.Fatal(err)
		}
	})
	reuse := testing.AllocsPerRun(5, func() {
		if rs, err = c.AppendRoutes(ctx, rs[:0], route.FamilyIPv4); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%d routes: %.0f allocations per dump, %.0f reusing the slice", len(rs), fresh, reuse)
	// About one per datagram (the sender address), plus the request and
	// the result; the multipath routes of setupRich add their hop slices.
	if fresh > 200 || reuse > 200 {
		t.Errorf("dumping %d routes made %.0f (fresh) / %.0f (reused) allocations, want at most 200", len(rs), fresh, reuse)
	}
}

func TestConcurrentDumps(t *testing.T) {
	n := newNS(t)
	setupRich(t, n, 1000)
	c := n.dial(t)
	want, err := c.Routes(ctxT(t), route.FamilyAll)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				var err error
				switch i % 4 {
				case 0:
					var rs []route.Route
					rs, err = c.Routes(context.Background(), route.FamilyAll)
					if err == nil && len(rs) != len(want) {
						t.Errorf("concurrent dump: %d routes, want %d", len(rs), len(want))
					}
				case 1:
					_, err = c.Links(context.Background())
				case 2:
					_, err = c.Addresses(context.Background(), route.FamilyAll)
				case 3:
					_, err = c.Neighbors(context.Background(), route.FamilyAll)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
