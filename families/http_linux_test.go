package families_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families"
)

func uniqueName(t testing.TB) string {
	return fmt.Sprintf("@anysock-families-%d-%s", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-"))
}

// net/http serves on an anysock Listener and an http.Client dials through
// the dispatcher; Shutdown returns cleanly.
func TestHTTPOverAbstractUnix(t *testing.T) {
	ctx := context.Background()
	name := uniqueName(t)
	ln, err := families.Listen(ctx, "unix", name)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s via %s", r.URL.Query().Get("who"), r.RemoteAddr)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) { io.Copy(w, r.Body) })
	srv := &http.Server{Handler: mux}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return families.Dial(ctx, "unix", name)
	}}
	client := &http.Client{Transport: tr}
	for i := 0; i < 20; i++ {
		resp, err := client.Get(fmt.Sprintf("http://anysock/hello?who=%d", i))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(string(body), fmt.Sprintf("hello %d via ", i)) {
			t.Fatalf("response %d = %q", i, body)
		}
	}
	// A 4 MiB body round trip.
	payload := bytes.Repeat([]byte("anysock "), 512<<10)
	resp, err := client.Post("http://anysock/echo", "application/octet-stream", bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if sha256.Sum256(got) != sha256.Sum256(payload) {
		t.Fatalf("echo returned %d bytes, want %d identical", len(got), len(payload))
	}
	tr.CloseIdleConnections()
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-served; err != http.ErrServerClosed {
		t.Fatalf("Serve returned %v, want http.ErrServerClosed", err)
	}
}

// bufio and io.Copy work over a Conn, in both directions, for stream and
// sequenced-packet sockets.
func TestBufioAndCopy(t *testing.T) {
	for _, network := range []string{"unix", "unixpacket"} {
		t.Run(network, func(t *testing.T) {
			ctx := context.Background()
			name := uniqueName(t)
			ln, err := families.Listen(ctx, network, name)
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			// Echo server using io.Copy.
			go func() {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close()
				io.Copy(c, c)
			}()
			c, err := families.Dial(ctx, network, name)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			w := bufio.NewWriterSize(c, 1024) // seqpacket: keep records ≤ 1 KiB
			r := bufio.NewReader(c)
			go func() {
				for i := 0; i < 1000; i++ {
					fmt.Fprintf(w, "line %d\n", i)
				}
				w.Flush()
				c.(*anysock.Conn).CloseWrite()
			}()
			for i := 0; ; i++ {
				line, err := r.ReadString('\n')
				if err == io.EOF {
					if i != 1000 {
						t.Fatalf("EOF after %d lines", i)
					}
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if line != fmt.Sprintf("line %d\n", i) {
					t.Fatalf("line %d = %q", i, line)
				}
			}
		})
	}
}
