package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/vkgemm/vkgemm/wasm/static"
)

func main() {
	dir := flag.String("dir", "dist", "the folder ./build.sh web writes")
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	flag.Parse()
	if err := run(*dir, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

func run(dir, addr string) error {
	if _, err := os.Stat(filepath.Join(dir, "main.wasm")); err != nil {
		return fmt.Errorf("%s/main.wasm is missing: run ./build.sh web first", dir)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%w (is another server on that port? try -addr 127.0.0.1:0)", err)
	}
	fmt.Printf("serving %s on http://%s/\n", dir, ln.Addr())
	srv := &http.Server{Handler: static.Handler(dir), ReadHeaderTimeout: 10 * time.Second}
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
