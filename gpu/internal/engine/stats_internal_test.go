package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Lines as NAK, ACO and Intel's compiler print them (NAK and ACO's from
// Mesa 26.1 compiling the cooperative-matrix kernel for 0x172 and navi31).
func TestMatrixInstructionsAreCountedOncePerLine(t *testing.T) {
	assert.Nil(t, matrixInstructions(nil), "no disassembly: unknown, not 0")
	got := matrixInstructions(map[string]string{
		"NIR shader": "%5 = cmat_muladd %1, %2, %3\n",
		"NAK assembly": "r0..4 = hmma.m16n8k16.f32 r52..56 r44..46 r0..4     // delay=15 wt=001100 wr:2\n" +
			"r4..8 = hmma.m16n8k16.f32 r52..56 r46..48 r4..8\n" +
			"r9 = imma.m16n8k32.s8.s8 r1..3 r4..6 r9 // comment naming hmma again\n" +
			"r10 = ffma r1 r2 r3\n",
	})
	require.NotNil(t, got)
	assert.Equal(t, 3, *got)
	got = matrixInstructions(map[string]string{
		"ACO IR":   "v4: %610 = v_wmma_f32_16x16x16_f16 %608, %581, (kill)%609\n",
		"Assembly": "\tv_wmma_f32_16x16x16_f16 v[4:7], v[40:47], v[24:31], v[4:7]  ; cc404004\n\tv_swmmac_f32_16x16x32_f16 v[0:7], v[8:11], v[12:19], v20\n\tv_fma_f32 v1, v2, v3\n",
	})
	require.NotNil(t, got)
	assert.Equal(t, 2, *got, "the representation with the most, not the sum of ACO IR and its assembly")
	got = matrixInstructions(map[string]string{"Assembly": "\tv_fma_f32 v1, v2, v3\n"})
	require.NotNil(t, got)
	assert.Equal(t, 0, *got)
	got = matrixInstructions(map[string]string{"Intel": "dpas.8x8 (8|M0) r10:f r10:f r20:hf r30.0:hf\n"})
	assert.Equal(t, 1, *got)
}
