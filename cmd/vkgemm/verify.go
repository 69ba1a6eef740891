package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
)

func runVerify(args []string, stdout, stderr io.Writer) (retErr error) {
	fs, df := newFlags("verify", "Runs vkgemm's correctness sweep on the device and prints a PASS or FAIL line per case,\n"+
		"with the largest error relative to the float64 reference. Exits 1 if any case fails.", stderr)
	full := fs.Bool("full", false, "add the large cases (1000×1000×1000), which take seconds on CPU drivers")
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := df.open()
	if err != nil {
		return err
	}
	defer closeDevice(d, &retErr)
	fmt.Fprintf(stdout, "device: %s\nkernel: %s\n", d.Describe(), kernelText(d))
	failed := 0
	cases := gemmtest.Cases(!*full)
	for i, c := range cases {
		start := time.Now()
		r, err := gemmtest.Verify(d, gemmtest.NewProblem(c, uint64(i)))
		status := "PASS"
		detail := fmt.Sprintf("max rel err %.2e (bound %.2e)", r.MaxRelErr, gemmtest.Bound(c.K, 1))
		switch {
		case err != nil:
			status, detail = "FAIL", err.Error()
		case !r.OK:
			status = "FAIL"
			if r.Outside > 0 {
				detail += fmt.Sprintf(", %d elements outside C's view written", r.Outside)
			}
		}
		if status == "FAIL" {
			failed++
		}
		fmt.Fprintf(stdout, "%s  %-60s %s  %v\n", status, c, detail, time.Since(start).Round(time.Millisecond))
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", len(cases)-failed, failed)
	if failed > 0 {
		return errors.New("some cases failed")
	}
	return nil
}
