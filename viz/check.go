package viz

import (
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
)

// check compares rows of c, the batch×size×size products of p, with the
// float64 reference, one row at a time so that frames keep coming. A batch
// of smaller products has cheaper rows: more of them are checked, for about
// the same work as at full size.
func (r *Runner) check(res *Result, p *problem, c []float32, batch, size int, st *stepper) {
	more := max(1, batch*size/res.N)
	rows := CheckedRows(batch*size, r.cfg.FullCheck*more, r.cfg.CheckRows*more)
	res.OK = true
	for _, row := range rows {
		g, i := row/size, row%size
		o := g * size * size
		want, scale := gemmtest.Reference(blas.NoTrans, blas.NoTrans, 1, size, size, 1, p.a[o+i*size:], size, p.b[o:], size, 0, nil, size)
		cmp := gemmtest.Compare(1, size, size, c[o+i*size:], size, want, scale)
		res.MaxRelErr = max(res.MaxRelErr, cmp.MaxRelErr)
		res.OK = res.OK && cmp.OK
		st.step()
	}
	res.CheckedRows = len(rows)
}

// checkInt8 compares rows of ci, the size×size×size int8 product of p,
// with the exact int64 reference, element by element: integer products and
// sums have no rounding, so anything but equality is wrong.
func (r *Runner) checkInt8(res *Result, p *problem, ci []int32, size int, st *stepper) {
	rows := CheckedRows(size, r.cfg.FullCheck, r.cfg.CheckRows)
	for _, i := range rows {
		want := gemmtest.ReferenceInt8(blas.NoTrans, blas.NoTrans, 1, size, size, p.a8[i*size:], size, p.b8, size)
		for j, w := range want {
			if int64(ci[i*size+j]) != w {
				res.Wrong++
			}
		}
		st.step()
	}
	res.OK = res.Wrong == 0
	res.CheckedRows = len(rows)
}

// CheckedRows returns the rows of an n×n result that are checked: all of
// them up to full, else count rows spread evenly from the first to the last.
func CheckedRows(n, full, count int) []int {
	if n <= full || count >= n {
		rows := make([]int, n)
		for i := range rows {
			rows[i] = i
		}
		return rows
	}
	if count < 2 {
		count = 2
	}
	rows := make([]int, count)
	for i := range rows {
		rows[i] = i * (n - 1) / (count - 1)
	}
	return rows
}
