package viz

import (
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

// check compares rows of c with the float64 reference, one row at a time so
// that frames keep coming.
func (r *Runner) check(res *Result, p *problem, c []float32, st *stepper) {
	n := res.N
	rows := CheckedRows(n, r.cfg.FullCheck, r.cfg.CheckRows)
	res.OK = true
	for _, i := range rows {
		want, scale := gemm.Reference(blas.NoTrans, blas.NoTrans, 1, n, n, 1, p.a[i*n:], n, p.b, n, 0, nil, n)
		cmp := gemm.Compare(1, n, n, c[i*n:], n, want, scale)
		res.MaxRelErr = max(res.MaxRelErr, cmp.MaxRelErr)
		res.OK = res.OK && cmp.OK
		st.step()
	}
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
