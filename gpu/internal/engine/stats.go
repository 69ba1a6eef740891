package engine

import (
	"regexp"
	"strings"

	"github.com/vkgemm/vkgemm/internal/diag"
)

// compilerStats names, per compiler, the statistics that fill each field of
// diag.PipelineStats. A compiler is known by a statistic only it reports;
// the names are those of Mesa 22.3 and 26.1.
var compilerStats = []struct {
	compiler, marker                                          string
	registers, scalar, scratch, shared, occupancy, code, fill string
	spills                                                    []string // summed
	unit                                                      string
}{
	{compiler: "ACO", marker: "VGPRs", registers: "VGPRs", scalar: "SGPRs", spills: []string{"Spilled VGPRs", "Spilled SGPRs"},
		scratch: "Scratch size", shared: "LDS size", occupancy: "Subgroups per SIMD", unit: "waves per SIMD", code: "Code size"},
	{compiler: "NAK", marker: "Number of GPRs", registers: "Number of GPRs", spills: []string{"Spills to memory"}, fill: "Fills from memory",
		scratch: "SLM size", occupancy: "Max warps/SM", unit: "warps per SM", code: "Code size"},
	{compiler: "ir3", marker: "Max Waves Per Core", registers: "Registers used", spills: []string{"STP Count"}, fill: "LDP Count",
		occupancy: "Max Waves Per Core", unit: "waves per core", code: "Code size"},
	{compiler: "AGX", marker: "GPRs", registers: "GPRs", spills: []string{"Spills"}, fill: "Fills", scratch: "Scratch",
		occupancy: "Threads", unit: "threads", code: "Code size"},
}

// unifyStats fills the common fields of st from the driver's statistics.
func unifyStats(st *diag.PipelineStats, driver string) {
	v := st.Statistics
	get := func(name string) *int {
		if x, ok := v[name]; ok && name != "" {
			n := int(x)
			return &n
		}
		return nil
	}
	st.Compiler = driver
	for _, c := range compilerStats {
		if _, ok := v[c.marker]; !ok {
			continue
		}
		st.Compiler = c.compiler
		st.Registers, st.ScalarRegisters = get(c.registers), get(c.scalar)
		for _, name := range c.spills {
			if n := get(name); n != nil {
				st.Spills = add(st.Spills, *n)
			}
		}
		st.Fills, st.ScratchBytes, st.SharedBytes = get(c.fill), get(c.scratch), get(c.shared)
		if st.Occupancy = get(c.occupancy); st.Occupancy != nil {
			st.OccupancyUnit = c.unit
		}
		break
	}
	if st.CodeBytes = get("Code size"); st.CodeBytes == nil {
		st.CodeBytes = get("Binary Size")
	}
}

func add(sum *int, n int) *int {
	if sum == nil {
		return &n
	}
	*sum += n
	return sum
}

// radvFamily reads the chip out of a RADV device name such as "AMD Radeon
// RX 6800 (RADV NAVI21)" or "Null hardware (RADV NAVI21)".
var radvFamily = regexp.MustCompile(`\(RADV ([A-Za-z0-9_]+)\)`)

// gpuFamily names what the compiler targeted: RADV's chip, else the device.
func gpuFamily(name string) string {
	if m := radvFamily.FindStringSubmatch(name); m != nil {
		return strings.ToLower(m[1])
	}
	return name
}

// matrixOp matches a line that holds a matrix-unit instruction: NAK's
// "r0..4 = hmma.m16n8k16.f32 ..." (imma for integers), ACO's
// "v_wmma_f32_16x16x16_f16 ..." (v_swmmac_* on RDNA4), Intel's dpas.
var matrixOp = regexp.MustCompile(`(?im)^.*\b(?:hmma|imma|v_wmma\w*|v_swmmac\w*|dpas\w*)\b`)

// matrixInstructions counts matrix-unit instructions in the compiler's text
// representations of a pipeline: in the one that has most, since a driver
// shows the same code at several stages (ACO IR, then its assembly). Nil
// where there is no text to read.
func matrixInstructions(reprs map[string]string) *int {
	if len(reprs) == 0 {
		return nil
	}
	most := 0
	for _, text := range reprs {
		most = max(most, len(matrixOp.FindAllStringIndex(text, -1)))
	}
	return &most
}
