package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vkgemm/vkgemm/wasm/static"
)

func main() {
	site := flag.String("site", "out/bench-web/site", "the folder with index.html, bench.js, engine.wasm, wasm_exec.js and node_modules")
	query := flag.String("query", "", "the page's query, e.g. sizes=128,256&family=tiled")
	chromium := flag.String("chromium", "/usr/lib/chromium/chromium", "the Chromium binary (not the /usr/bin wrapper)")
	limit := flag.Duration("timeout", time.Hour, "give up after this long")
	flag.Parse()
	if err := run(*site, *query, *chromium, *limit, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchweb:", err)
		os.Exit(1)
	}
}

func run(site, query, chromium string, limit time.Duration, out io.Writer) error {
	for _, f := range []string{"index.html", "bench.js", "engine.wasm", "wasm_exec.js", "node_modules/@jax-js/jax/package.json"} {
		if _, err := os.Stat(filepath.Join(site, f)); err != nil {
			return fmt.Errorf("%s is missing: run ./build.sh bench-web", filepath.Join(site, f))
		}
	}
	if _, err := os.Stat(chromium); err != nil {
		return fmt.Errorf("no Chromium at %s: apt-get install chromium, or pass -chromium", chromium)
	}
	srv := httptest.NewServer(static.Handler(site)) // 127.0.0.1: a secure context
	defer srv.Close()
	dir, err := os.MkdirTemp("", "benchweb-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// The flags of shared/notes/browser.md: WebGPU on SwiftShader where
	// there is no GPU, no network chatter.
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.NoFirstRun,
		chromedp.UserDataDir(dir),
		chromedp.Flag("enable-unsafe-webgpu", true),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		return fmt.Errorf("starting Chromium: %w", err)
	}
	tctx, cancelT := context.WithTimeout(ctx, limit)
	defer cancelT()
	url := srv.URL + "/index.html"
	if query != "" {
		url += "?" + query
	}
	if err := chromedp.Do(tctx, chromedp.Navigate(url)); err != nil {
		return err
	}
	// Wait for the page, echoing its log to stderr as it goes: a full run
	// takes minutes on a software adapter.
	shown := 0
	for {
		st, err := chromedp.Run(tctx, chromedp.Evaluate[struct {
			Done bool
			Log  string
		}](`({Done: window.benchDone === true, Log: document.getElementById("log").textContent})`))
		if errors.Is(err, context.DeadlineExceeded) {
			if raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.benchResult || ""`)); err == nil && raw != "" {
				var res Result
				if json.Unmarshal([]byte(raw), &res) == nil {
					fmt.Fprintln(out, "the sizes done before the time limit:")
					res.Table(out)
				}
			}
			return fmt.Errorf("the page did not finish within %v (-timeout)", limit)
		}
		if err != nil {
			return err
		}
		if len(st.Log) > shown {
			fmt.Fprint(os.Stderr, st.Log[shown:])
			shown = len(st.Log)
		}
		if st.Done {
			break
		}
		time.Sleep(2 * time.Second)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.benchResult`))
	if err != nil {
		return err
	}
	var res Result
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		return fmt.Errorf("the page's result: %w", err)
	}
	fmt.Fprintf(out, "%s\n", res.UserAgent)
	for _, e := range res.Engines {
		if e.Error == "" {
			fmt.Fprintf(out, "%s: %s\n", e.Name, e.Device)
		}
	}
	fmt.Fprintf(out, "wall time from upload to C in a Float32Array; median of %d round medians of %d reps after %d warm-ups\n", res.Rounds, res.Reps, res.Warmups)
	res.Table(out)
	if p := res.Problems(); len(p) > 0 {
		for _, s := range p {
			fmt.Fprintln(out, "problem:", s)
		}
		return fmt.Errorf("%d problems", len(p))
	}
	return nil
}
