package kernel

// Class is a shape class: products of one class use one kernel, which the
// tuner picks per class.
type Class string

// Shape classes.
const (
	Small  Class = "small"  // under 256³ multiply-adds: dispatch cost dominates
	SmallK Class = "smallk" // k ≤ 64: the output is large, the inner loop short
	Tall   Class = "tall"   // m ≥ 4n
	Wide   Class = "wide"   // n ≥ 4m
	Square Class = "square" // the rest
	// Batched is the class of strided batches of small products (batches
	// over 1, each product Small): one dispatch holds the whole batch, so
	// the best kernel may differ from a lone small product's.
	Batched Class = "batched"
)

// Classes lists the classes of single products, in the order the tuner
// visits them; ClassOf returns one of them.
var Classes = []Class{Square, Small, SmallK, Tall, Wide}

// ClassOf says which class an m×n×k product belongs to.
func ClassOf(m, n, k int) Class {
	switch {
	case float64(m)*float64(n)*float64(k) < 256*256*256:
		return Small
	case k <= 64:
		return SmallK
	case m >= 4*n:
		return Tall
	case n >= 4*m:
		return Wide
	}
	return Square
}

// Valid says whether c is one of Classes or Batched.
func (c Class) Valid() bool {
	switch c {
	case Small, SmallK, Tall, Wide, Square, Batched:
		return true
	}
	return false
}

// BatchedCount is the number of products Batched is timed on: 64 of
// Shape's 128×128×64, as an attention layer's heads.
const BatchedCount = 64

// Shape is the product that stands for a class in tuning and benchmarks
// (one product of a batch for Batched); CPU drivers get smaller ones so a
// search fits a short budget.
func Shape(c Class, cpu bool) (m, n, k int) {
	s, ok := classShapes[c]
	if !ok {
		s = classShapes[Square]
	}
	mnk := s.gpu
	if cpu {
		mnk = s.cpu
	}
	return mnk[0], mnk[1], mnk[2]
}

// classShapes are Shape's products, m, n, k, per class: for CPU drivers,
// which run 1-30 GFLOPS, and for GPUs.
var classShapes = map[Class]struct{ cpu, gpu [3]int }{
	Square:  {[3]int{768, 768, 768}, [3]int{4096, 4096, 4096}}, // on a CPU, k of one and a half slices of 512
	Small:   {[3]int{128, 128, 128}, [3]int{128, 128, 128}},
	SmallK:  {[3]int{1024, 1024, 32}, [3]int{4096, 4096, 32}},
	Tall:    {[3]int{2048, 256, 768}, [3]int{16384, 1024, 2048}},
	Wide:    {[3]int{256, 2048, 768}, [3]int{1024, 16384, 2048}},
	Batched: {[3]int{128, 128, 64}, [3]int{128, 128, 64}},
}
