package viz

import (
	"strings"
	"time"
)

// Result is what one engine did at one size.
type Result struct {
	N    int // the size of the sweep: see Mode.Shape for the products
	Rows int // rows of C in all products (N when 0)
	Runs int
	Best time.Duration // fastest run
	// GFLOPS is the rate of the fastest run in billions of operations a
	// second, a multiply and an add per term: floating-point operations, or
	// integer ones for Int8 (Mode.Unit says which).
	GFLOPS float64
	// MaxRelErr is the largest |got-want|/scale over the checked rows, and
	// Bound, gemmtest.Bound(k, 1), the largest accepted; both 0 for Int8,
	// whose results are checked for equality.
	MaxRelErr, Bound float64
	// Wrong counts the checked elements of an Int8 result that differ from
	// the exact int64 reference.
	Wrong       int
	CheckedRows int
	OK          bool   // every checked element within gemmtest.Bound, or exact for Int8
	Err         string // the engine's error, if the product failed
}

// Done reports whether the engine has finished this size, with a result or
// an error.
func (r Result) Done() bool { return r.Runs > 0 || r.Err != "" }

// Lane is one contender as the view sees it. Device is the engine's
// Describe, read again after every run, so that an engine over several
// devices can say how it dealt the last product.
type Lane struct {
	Role, Name, Device string
	Note               string // see Contender.Note
	Available          bool
	Why                string // why the engine is unavailable
	Enabled            bool   // taking part in the sweep
	CanSwitch          bool   // has other devices to switch to
	// Method says how the engine runs the race's Mode, e.g. "GemmHalf,
	// widened in the kernel" or "a loop of 64 Sgemm calls"; Unsupported,
	// when set, why it cannot (the lane then sits the race out).
	Method, Unsupported string
	Results             []Result

	Running  bool          // a product of this lane is under way
	Phase    string        // "preparing", "timing" or "checking"
	Size     int           // index into Sizes of the product under way
	Fraction float64       // of the current run, or -1 when the engine does not say
	Elapsed  time.Duration // since the current run started
	Live     float64       // GFLOPS of the current run so far, 0 when unknown
}

// Title is the engine's name as a heading beside the role, or "" where it
// would only repeat the role (the CPU engine is called "CPU").
func (l Lane) Title() string {
	if strings.EqualFold(l.Name, l.Role) {
		return ""
	}
	return l.Name
}

// Latest is the result of the largest size this lane has finished.
func (l Lane) Latest() (Result, bool) {
	for i := len(l.Results) - 1; i >= 0; i-- {
		if l.Results[i].Done() {
			return l.Results[i], true
		}
	}
	return Result{}, false
}

// Racing reports whether the lane takes part in the sweep: enabled, with an
// engine that can run the mode.
func (l Lane) Racing() bool { return l.Enabled && l.Available && l.Unsupported == "" }

// Snapshot is a copy of the whole state, taken once per frame.
type Snapshot struct {
	Mode      Mode // what is raced
	Sizes     []int
	Lanes     []Lane
	Focus     int  // index into Sizes of the size the bars show
	Following bool // Focus follows the sweep
	Done      int  // products finished in this sweep
	Total     int  // products in this sweep
	Paused    bool
	Finished  bool
	Message   string // the latest event, for the status line
	Sweeps    int    // sweeps started, counting reruns
}

// Result returns lane i's result at size index s, if there is one.
func (s Snapshot) Result(lane, size int) (Result, bool) {
	if lane < 0 || lane >= len(s.Lanes) || size < 0 || size >= len(s.Lanes[lane].Results) {
		return Result{}, false
	}
	r := s.Lanes[lane].Results[size]
	return r, r.Done()
}

// Role returns the index of the first lane with this role, or -1.
func (s Snapshot) Role(role string) int {
	for i, l := range s.Lanes {
		if l.Role == role {
			return i
		}
	}
	return -1
}
