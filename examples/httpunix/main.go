package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/anysock/anysock/families"
)

func main() {
	if err := run(context.Background(), os.Stdout, "@anysock-httpunix-example"); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer, address string) error {
	ln, err := families.Listen(ctx, "unix", address)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from %s over %s\n", r.URL.Path, ln.Addr().Network())
	})}
	go srv.Serve(ln)
	defer func() {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()

	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return families.Dial(ctx, "unix", address)
		},
	}}
	defer client.CloseIdleConnections()
	resp, err := client.Get("http://unix/anysock")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(out, resp.Body)
	return err
}
