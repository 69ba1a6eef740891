package main

import (
	"fmt"
	"io"
	"os"
)

// progress reports long work on stderr: one line rewritten in place on a
// terminal, and a plain line per step elsewhere (logs, CI), where carriage
// returns would pile up.
type progress struct {
	w     io.Writer
	tty   bool
	shown bool
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) show(format string, a ...any) {
	if p.tty {
		fmt.Fprintf(p.w, "\r"+format+"\033[K", a...)
	} else {
		fmt.Fprintf(p.w, format+"\n", a...)
	}
	p.shown = true
}

// done clears the progress line on a terminal.
func (p *progress) done() {
	if p.tty && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
	p.shown = false
}
