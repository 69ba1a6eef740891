package gemm

import (
	"errors"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// overlap agrees with marking every element of every product's C, for all
// small shapes, leading dimensions, strides and batches.
func TestOverlapMatchesBruteForce(t *testing.T) {
	for m := 1; m <= 4; m++ {
		for n := 1; n <= 4; n++ {
			for ld := n; ld <= n+3; ld++ {
				for stride := 0; stride <= m*ld+2; stride++ {
					for batch := 1; batch <= 8; batch++ {
						owner := map[int]int{}
						brute := false
						for g := range batch {
							for i := range m {
								for j := range n {
									e := g*stride + i*ld + j
									if o, ok := owner[e]; ok && o != g {
										brute = true
									}
									owner[e] = g
								}
							}
						}
						_, got := overlap(m, n, ld, stride, batch)
						if got != brute {
							t.Fatalf("m=%d n=%d ld=%d stride=%d batch=%d: overlap says %v, brute force %v", m, n, ld, stride, batch, got, brute)
						}
					}
				}
			}
		}
	}
}

// A batch of C matrices closer together than their span but interleaved
// without overlap is accepted without walking the batch: 2^40 products here,
// which a walk would take hours over.
func TestOverlapOfAHugeInterleavedBatch(t *testing.T) {
	const batch = 1 << 40
	// 2×1 matrices with ldc 10, 3 apart: rows at 0, 10; 3, 13; 6, 16; ...
	if err := CheckStridedArgs(blas.NoTrans, blas.NoTrans, 2, 1, 1, 2, 1, 0, 1, 1, 0, (batch-1)*3+11, 10, 3, batch); err != nil {
		t.Fatal(err)
	}
}

func TestCheckStridedArgs(t *testing.T) {
	n := blas.NoTrans
	// A and B broadcast (stride 0), C interleaved: valid.
	if err := CheckStridedArgs(n, blas.Trans, 2, 3, 4, 8, 4, 0, 12, 4, 0, 2*6+3, 6, 3, 2); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][13]int{
		{2, 3, 4, 8, 4, 0, 12, 4, 0, 100, 3, 0, 2},       // C shared
		{2, 3, 4, 8, 4, -1, 12, 4, 0, 100, 3, 6, 2},      // negative stride
		{2, 3, 4, 8, 4, 0, 12, 4, 0, 100, 3, 6, -2},      // negative batch
		{2, 3, 4, 8, 4, 1 << 62, 12, 4, 0, 100, 3, 6, 5}, // A's extent overflows
		{2, 3, 4, 8, 4, 8, 12, 4, 0, 100, 3, 6, 2},       // A too short for two
	} {
		err := CheckStridedArgs(n, blas.Trans, bad[0], bad[1], bad[2], bad[3], bad[4], bad[5], bad[6], bad[7], bad[8], bad[9], bad[10], bad[11], bad[12])
		if !errors.Is(err, ErrBadArgument) {
			t.Errorf("%v: got %v, want ErrBadArgument", bad, err)
		}
	}
}
