//go:build js && wasm

package webgpu

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"regexp"
	"runtime"
	"strings"
	"syscall/js"
	"unsafe"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/half"
	"github.com/vkgemm/vkgemm/shaders"
)

// ErrUnavailable is wrapped by the errors of Open when the page has no
// WebGPU adapter to run on.
var ErrUnavailable = errors.New("WebGPU unavailable")

// Engine runs Sgemm on the page's WebGPU device. Use it from one goroutine
// at a time, or several: every product has its own buffers.
type Engine struct {
	device, queue js.Value
	// features the device was given (among those the kernels need).
	features map[string]bool
	kernel   shaders.WGSLKernel
	// pipelines of kernel: one, or one per shape (ShapeConstants).
	pipelines *pipelines
	// halves holds the pipelines of the kernels for 16-bit inputs, by
	// format, compiled on first use.
	halves map[half.Format]*pipelines
	// int8 holds the pipelines of the int8 kernel, compiled on first use;
	// shared by the copies WithYield and WithKernel make, so the device
	// compiles it once.
	int8 *int8Kernel
	// pool keeps the buffers of finished products for the next ones.
	pool       *pool
	adapter    string
	software   bool
	maxBinding int64
	// maxBuffer and align: the largest buffer, and the alignment of a
	// storage binding's offset (a batch's products lie at such offsets).
	maxBuffer int64
	align     int
	// memory is the program's WebAssembly.Memory, if the page gave it:
	// uploads then read straight from Go's memory.
	memory js.Value
	// BandFlops is the work of one dispatch when the engine yields between
	// dispatches (see Yield): smaller keeps frames coming on a software
	// adapter, larger costs less per product.
	BandFlops float64
	// Yield, if set, is called after each dispatch of a product split in
	// bands but the last, once the dispatch is done: the page's frames and
	// the dispatches then take turns on a software adapter. Without it a
	// product is one dispatch, up to MaxDispatchFlops.
	Yield func()
}

// MaxDispatchFlops bounds one dispatch when the engine does not yield, so
// that no dispatch runs for seconds on a software adapter (where browsers'
// GPU watchdogs may lose the device).
const MaxDispatchFlops = 2e9

// WithYield returns a copy of the engine that calls yield between bands.
func (e *Engine) WithYield(yield func()) gemm.Engine {
	c := *e
	c.Yield = yield
	return &c
}

var _ gemm.Engine = (*Engine)(nil)

// Options choose what Open sets up.
type Options struct {
	// Memory is the Go program's WebAssembly.Memory
	// (instance.exports.mem), if the page hands it over: the engine then
	// uploads A and B from a view of it, without a copy into JavaScript.
	Memory js.Value
	// Family forces a WGSL kernel family by name ("subgroup", "direct",
	// "tiled"); "" picks the first software family whose feature the
	// adapter has on software/fallback adapters, and the GPU family
	// elsewhere.
	Family string
}

// Open asks the browser for an adapter (retrying with forceFallbackAdapter,
// which a software adapter may need), a device with the default limits, and
// compiles the kernel family for that adapter.
func Open(o Options) (e *Engine, err error) {
	defer catch(&err)
	if o.Family != "" {
		if _, err := family(o.Family, false, nil); err != nil {
			return nil, err
		}
	}
	gpu := js.Global().Get("navigator").Get("gpu")
	if gpu.IsUndefined() || gpu.IsNull() {
		return nil, fmt.Errorf("%w: this browser has no navigator.gpu (Chromium on Linux needs --enable-unsafe-webgpu; the page must come from https or 127.0.0.1)", ErrUnavailable)
	}
	adapter, err := Await(gpu.Call("requestAdapter"))
	if err != nil || adapter.IsNull() || adapter.IsUndefined() {
		adapter, err = Await(gpu.Call("requestAdapter", obj("forceFallbackAdapter", true)))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: requestAdapter failed: %v", ErrUnavailable, err)
	}
	if adapter.IsNull() || adapter.IsUndefined() {
		return nil, fmt.Errorf("%w: the browser offers no adapter, not even a fallback one (Chromium on Linux needs --enable-unsafe-webgpu)", ErrUnavailable)
	}
	// Ask for the optional features some kernels need, where offered.
	features, want := map[string]bool{}, arr()
	for _, k := range shaders.WGSLKernels() {
		if f := k.Feature; f != "" && !features[f] && adapter.Get("features").Call("has", f).Truthy() {
			features[f] = true
			want.Call("push", f)
		}
	}
	device, err := Await(adapter.Call("requestDevice", obj("requiredFeatures", want)))
	if err != nil {
		return nil, fmt.Errorf("%w: requestDevice: %v", ErrUnavailable, err)
	}
	e = &Engine{device: device, queue: device.Get("queue"), features: features, pool: &pool{}, BandFlops: 32e6,
		halves: map[half.Format]*pipelines{}, int8: &int8Kernel{}}
	e.adapter, e.software = describe(adapter)
	kernel, err := family(o.Family, e.software, features)
	if err != nil {
		return nil, err
	}
	if o.Memory.Type() == js.TypeObject && o.Memory.Get("buffer").Truthy() {
		e.memory = o.Memory
	}
	limits := device.Get("limits")
	e.maxBinding = int64(limits.Get("maxStorageBufferBindingSize").Float())
	e.maxBuffer = int64(limits.Get("maxBufferSize").Float())
	e.align = max(4, limits.Get("minStorageBufferOffsetAlignment").Int())
	if err := e.use(kernel); err != nil {
		return nil, err
	}
	return e, nil
}

// family finds a kernel family by name, or the default one for the
// adapter when name is "": the first of shaders.WGSLKernels for software
// adapters, or else for GPUs, whose feature the device has. It is an error
// to name a family whose feature the device lacks (has nil: not checked).
func family(name string, software bool, has map[string]bool) (shaders.WGSLKernel, error) {
	var names []string
	for _, k := range shaders.WGSLKernels() {
		names = append(names, k.Name)
		usable := has == nil || k.Feature == "" || has[k.Feature]
		if k.Name == name {
			if !usable {
				return k, fmt.Errorf("%w: the %s kernel needs the WebGPU feature %q, which this adapter does not offer", ErrUnavailable, name, k.Feature)
			}
			return k, nil
		}
		if name == "" && k.Software == software && usable {
			return k, nil
		}
	}
	return shaders.WGSLKernel{}, fmt.Errorf("%w: no WGSL kernel family %q (have %s)", gemm.ErrBadArgument, name, strings.Join(names, ", "))
}

// pipelines holds a kernel's compiled pipelines: one, or one per shape.
type pipelines struct {
	kernel        shaders.WGSLKernel
	module, fixed js.Value
	shapes        map[[2]int]js.Value // by (n4/4, k4/4)
}

// compile makes a kernel's shader module, reporting WGSL errors.
func (e *Engine) compile(k shaders.WGSLKernel) (*pipelines, error) {
	module := e.device.Call("createShaderModule", obj("code", k.Source, "label", "gemm "+k.Name))
	if info, err := Await(module.Call("getCompilationInfo")); err == nil {
		var errs []string
		msgs := info.Get("messages")
		for i := 0; i < msgs.Length(); i++ {
			if m := msgs.Index(i); m.Get("type").String() == "error" {
				errs = append(errs, fmt.Sprintf("%d:%d: %s", m.Get("lineNum").Int(), m.Get("linePos").Int(), m.Get("message").String()))
			}
		}
		if len(errs) > 0 {
			return nil, fmt.Errorf("the %s WGSL kernel does not compile: %s", k.Name, strings.Join(errs, "; "))
		}
	}
	return &pipelines{kernel: k, module: module, shapes: map[[2]int]js.Value{}}, nil
}

// use compiles a kernel family and makes it the one the engine runs.
func (e *Engine) use(k shaders.WGSLKernel) error {
	ps, err := e.compile(k)
	if err != nil {
		return err
	}
	e.kernel, e.pipelines = k, ps
	// A software adapter compiles the kernel on its first dispatch, which
	// holds up the page's drawing for a second: pay that while the page
	// still shows its loading indicator.
	a, b, c := make([]float32, 16), make([]float32, 16), make([]float32, 16)
	if err := e.Sgemm(blas.NoTrans, blas.NoTrans, 4, 4, 4, 1, a, 4, b, 4, 0, c, 4); err != nil {
		return fmt.Errorf("a first 4×4 product with the %s kernel: %w", k.Name, err)
	}
	return nil
}

// maxShapes bounds the pipelines kept per kernel: a sweep or a test suite
// meets a few dozen shapes.
const maxShapes = 64

// pipeline returns the kernel's pipeline for products with n4v vec4
// columns of C and k4v of A, compiling it on first use.
func (e *Engine) pipeline(ps *pipelines, n4v, k4v int) (js.Value, error) {
	k := ps.kernel
	key := [2]int{n4v, k4v}
	if !k.ShapeConstants {
		key = [2]int{}
		if ps.fixed.Truthy() {
			return ps.fixed, nil
		}
	} else if p, ok := ps.shapes[key]; ok {
		return p, nil
	}
	constants := obj()
	for name, v := range k.Constants {
		constants.Set(name, v)
	}
	if k.ShapeConstants {
		constants.Set("N4", n4v)
		constants.Set("K4", k4v)
	}
	p, err := Await(e.device.Call("createComputePipelineAsync", obj(
		"label", "gemm "+k.Name,
		"layout", "auto",
		"compute", obj("module", ps.module, "entryPoint", "main", "constants", constants),
	)))
	if err != nil {
		return js.Value{}, fmt.Errorf("creating the %s gemm pipeline: %w", k.Name, err)
	}
	if !k.ShapeConstants {
		ps.fixed = p
	} else {
		if len(ps.shapes) >= maxShapes {
			clear(ps.shapes)
		}
		ps.shapes[key] = p
	}
	return p, nil
}

// WithKernel returns a copy of the engine (the same device) running another
// kernel family, by name: the conformance check runs every family on one
// adapter.
func (e *Engine) WithKernel(name string) (*Engine, error) {
	k, err := family(name, e.software, e.features)
	if err != nil {
		return nil, err
	}
	c := *e
	if err := c.use(k); err != nil {
		return nil, err
	}
	return &c, nil
}

// describe names the adapter like "google/swiftshader" and says whether it
// is a software/fallback adapter.
func describe(adapter js.Value) (name string, software bool) {
	info := adapter.Get("info")
	name = "unknown adapter"
	fallback := adapter.Get("isFallbackAdapter").Truthy()
	if !info.IsUndefined() {
		var parts []string
		for _, k := range []string{"vendor", "architecture"} {
			if v := info.Get(k); v.Type() == js.TypeString && v.String() != "" {
				parts = append(parts, v.String())
			}
		}
		if len(parts) == 0 {
			if d := info.Get("description"); d.Type() == js.TypeString && d.String() != "" {
				parts = append(parts, d.String())
			}
		}
		if len(parts) > 0 {
			name = strings.Join(parts, "/")
		}
		fallback = fallback || info.Get("isFallbackAdapter").Truthy()
	}
	return name, fallback || softwareAdapter.MatchString(name)
}

// softwareAdapter matches the names of adapters that run on the CPU, for
// browsers that do not mark them as fallback adapters.
var softwareAdapter = regexp.MustCompile(`(?i)swiftshader|llvmpipe|lavapipe|software|warp|basic render`)

// Backend returns "WebGPU".
func (e *Engine) Backend() string { return "WebGPU" }

// Describe says which adapter runs and the kernel family in use, e.g.
// "google/swiftshader (WebGPU, software; WGSL direct)".
func (e *Engine) Describe() string {
	kind := "WebGPU"
	if e.software {
		kind += ", software"
	}
	return fmt.Sprintf("%s (%s; WGSL %s)", e.adapter, kind, e.kernel.Name)
}

// Adapter names the adapter, e.g. "google/swiftshader".
func (e *Engine) Adapter() string { return e.adapter }

// Software reports whether the adapter runs on the CPU (a fallback adapter).
func (e *Engine) Software() bool { return e.software }

// Kernel names the WGSL kernel family in use ("direct", "tiled").
func (e *Engine) Kernel() string { return e.kernel.Name }

// Close releases the device.
func (e *Engine) Close() {
	if !e.device.IsUndefined() {
		e.device.Call("destroy")
	}
}

const (
	usageMapRead = 0x0001
	usageCopySrc = 0x0004
	usageCopyDst = 0x0008
	usageUniform = 0x0040
	usageStorage = 0x0080
	mapModeRead  = 0x0001
	paramsBytes  = 32
)

// Sgemm computes C = alpha*op(A)*op(B) + beta*C on the WebGPU device.
func (e *Engine) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) (err error) {
	if done, err := e.noProduct(tA, tB, m, n, k, len(a), lda, len(b), ldb, alpha, beta, c, ldc, 4); done || err != nil {
		return err
	}
	d := floatDims(m, n, k, 4)
	defer catch(&err)
	ap := Packed(tA, m, k, a, lda, d.m4, d.kp)
	bp := Packed(tB, k, n, b, ldb, d.kp, d.n4)
	return product(e, e.pipelines, bytesOf(ap), bytesOf(bp), d, alpha, beta, c, ldc, single)
}

// noProduct checks the arguments and does the calls that need no kernel:
// empty C, or k or alpha zero (C = beta*C); done says it did. It refuses a
// product whose packed matrices (A and B of inBytes per element, C of
// float32) exceed what one binding of this device holds.
func (e *Engine) noProduct(tA, tB blas.Transpose, m, n, k, lenA, lda, lenB, ldb int, alpha, beta float32, c []float32, ldc, inBytes int) (done bool, err error) {
	if err := gemm.CheckArgs(tA, tB, m, n, k, lenA, lda, lenB, ldb, len(c), ldc); err != nil {
		return true, err
	}
	if m == 0 || n == 0 {
		return true, nil
	}
	if k == 0 || alpha == 0 {
		ScaleC(m, n, beta, c, ldc)
		return true, nil
	}
	m4, k4, n4 := Round4(m), Round4(k), Round4(n)
	for _, sz := range []int64{int64(m4) * int64(k4) * int64(inBytes), int64(k4) * int64(n4) * int64(inBytes), int64(m4) * int64(n4) * 4} {
		if sz > e.maxBinding {
			return true, fmt.Errorf("a %d×%d×%d product needs a %d MiB buffer, more than the %d MiB this WebGPU device binds: split it", m, n, k, sz>>20, e.maxBinding>>20)
		}
	}
	return false, nil
}

// batch says where the products of a strided batch lie: in the buffers,
// each product's packed A, B and C step bytes from the previous one's (0:
// one matrix shared by all); in the caller's c, strideC elements apart.
type batch struct {
	count               int
	stepA, stepB, stepC int
	strideC             int
}

// single is the batch of one product.
var single = batch{count: 1}

// dims are the sizes of one product as its kernel sees them.
type dims struct {
	m, n   int // C as the caller has it
	m4, n4 int // C packed: rows and columns padded to multiples of 4
	// kp is k padded as the kernel's A and B are, and steps the kernel's
	// steps along it (Params.k4 and the override constant K4): vec4s of
	// float32 or 16-bit values, or vec4<u32> of int8.
	kp, steps    int
	sizeA, sizeB int // bytes of one product's packed A and B
}

// floatDims are the dims of the float32 and 16-bit kernels, whose A and B
// have in bytes per element: A m4×k4 and B k4×n4, k a vec4 a step.
func floatDims(m, n, k, in int) dims {
	m4, k4, n4 := Round4(m), Round4(k), Round4(n)
	return dims{m: m, n: n, m4: m4, n4: n4, kp: k4, steps: k4 / 4, sizeA: m4 * k4 * in, sizeB: k4 * n4 * in}
}

// product runs C_g = alpha*A_g*B_g + beta*C_g for the products of bt with
// the kernel of ps, on A and B packed as sh says (in the kernel's input
// format) and uploaded from ap and bp, and unpacks C (of float32, or int32
// for the int8 kernels) into c. Every dispatch of a product, or of a batch,
// goes in as few submissions as the dispatch limits allow, and C comes back
// with one readback.
func product[T float32 | int32](e *Engine, ps *pipelines, ap, bp []byte, sh dims, alpha, beta float32, c []T, ldc int, bt batch) (err error) {
	m4, n4 := sh.m4, sh.n4
	sizeA, sizeB, sizeC := sh.sizeA, sh.sizeB, m4*n4*4
	// C comes back straight into c when it has the packed layout.
	out := c[:min(len(c), m4*n4)]
	direct := bt.count == 1 && beta == 0 && sh.m == m4 && sh.n == n4 && ldc == sh.n
	if !direct {
		out = make([]T, ((bt.count-1)*bt.stepC+sizeC)/4)
	}

	pipeline, err := e.pipeline(ps, n4/4, sh.steps)
	if err != nil {
		return err
	}
	d := e.device
	d.Call("pushErrorScope", "out-of-memory")
	d.Call("pushErrorScope", "validation")
	// Buffers come from the pool and go back to it once the product is
	// done, or are destroyed if it failed (one may still be mapped).
	var bufs []pooled
	fresh := false // a buffer was created for this product
	buffer := func(label string, size, usage int) js.Value {
		b := e.pool.take(d, label, size, usage)
		fresh = fresh || b.created
		bufs = append(bufs, b)
		return b.buf
	}
	defer func() {
		for _, b := range bufs {
			if err != nil {
				b.buf.Call("destroy")
			} else {
				e.pool.give(b)
			}
		}
	}()
	bufA := buffer("A", len(ap), usageStorage|usageCopyDst)
	bufB := buffer("B", len(bp), usageStorage|usageCopyDst)
	bufC := buffer("C", 4*len(out), usageStorage|usageCopySrc)
	read := buffer("readback", 4*len(out), usageMapRead|usageCopyDst)
	e.upload(bufA, ap)
	e.upload(bufB, bp)

	kn := ps.kernel
	layout := pipeline.Call("getBindGroupLayout", 0)
	params := make([]byte, paramsBytes)
	bands := []Band{{Row0: 0, RowEnd: m4}}
	// The work of one submission: a software adapter's dispatches hold up
	// the page (or its GPU watchdog) until they are done.
	limit := MaxDispatchFlops
	if e.Yield != nil {
		limit = e.BandFlops
		bands = Bands(m4, n4, sh.kp, kn.BlockM, e.BandFlops)
	} else if gemm.Flops(m4, n4, sh.kp) > MaxDispatchFlops {
		bands = Bands(m4, n4, sh.kp, kn.TileM(), MaxDispatchFlops)
	}
	var enc, pass js.Value
	work := 0.0 // in the submission being recorded
	for bi, band := range bands {
		// Each band has its own uniform buffer, so products that interleave
		// at the awaits below never see each other's parameters.
		binary.LittleEndian.PutUint32(params[0:], uint32(m4))
		binary.LittleEndian.PutUint32(params[4:], uint32(n4/4))
		binary.LittleEndian.PutUint32(params[8:], uint32(sh.steps))
		binary.LittleEndian.PutUint32(params[12:], uint32(band.Row0))
		binary.LittleEndian.PutUint32(params[16:], uint32(band.RowEnd))
		binary.LittleEndian.PutUint32(params[20:], math.Float32bits(alpha))
		ubuf := buffer("params", paramsBytes, usageUniform|usageCopyDst)
		e.write(ubuf, params)
		flops := gemm.Flops(band.RowEnd-band.Row0, n4, sh.kp)
		for g := range bt.count {
			if enc.IsUndefined() {
				enc = d.Call("createCommandEncoder")
				pass = enc.Call("beginComputePass")
				pass.Call("setPipeline", pipeline)
			}
			group := d.Call("createBindGroup", obj("layout", layout, "entries", arr(
				obj("binding", 0, "resource", obj("buffer", bufA, "offset", g*bt.stepA, "size", sizeA)),
				obj("binding", 1, "resource", obj("buffer", bufB, "offset", g*bt.stepB, "size", sizeB)),
				obj("binding", 2, "resource", obj("buffer", bufC, "offset", g*bt.stepC, "size", sizeC)),
				obj("binding", 3, "resource", obj("buffer", ubuf)),
			)))
			pass.Call("setBindGroup", 0, group)
			gx := (n4 + kn.TileN() - 1) / kn.TileN()
			gy := (band.RowEnd - band.Row0 + kn.TileM() - 1) / kn.TileM()
			pass.Call("dispatchWorkgroups", gx, gy)
			work += flops
			last := bi == len(bands)-1 && g == bt.count-1
			if !last && work+flops <= limit {
				continue
			}
			pass.Call("end")
			if last {
				enc.Call("copyBufferToBuffer", bufC, 0, read, 0, 4*len(out))
			}
			e.queue.Call("submit", arr(enc.Call("finish")))
			enc, work = js.Undefined(), 0
			if !last && e.Yield != nil {
				// Wait for the submission: the page draws its frames meanwhile.
				if _, err := Await(e.queue.Call("onSubmittedWorkDone")); err != nil {
					return fmt.Errorf("WebGPU dispatch: %w", err)
				}
				e.Yield()
			}
		}
	}
	// Ask for everything at once: each answer may take a frame to arrive.
	scopes := []js.Value{d.Call("popErrorScope"), d.Call("popErrorScope")}
	mapped := read.Call("mapAsync", mapModeRead)
	// Errors come from creating buffers (out of memory) or from commands
	// that are wrong whatever the buffers hold, which the first product
	// with these buffers shows. Later ones skip the wait for the scopes:
	// their answers can come a device tick after the mapping's, which
	// doubled the time of a 128³ product in the bench-web page. A lost
	// device still fails mapAsync.
	if !fresh {
		scopes = nil
	}
	for i, scope := range []string{"validation", "out-of-memory"}[:len(scopes)] {
		gpuErr, err := Await(scopes[i])
		if err != nil {
			return fmt.Errorf("WebGPU %s error scope: %w", scope, err)
		}
		if !gpuErr.IsNull() && !gpuErr.IsUndefined() {
			return fmt.Errorf("WebGPU %s error: %s", scope, gpuErr.Get("message").String())
		}
	}
	if _, err := Await(mapped); err != nil {
		return fmt.Errorf("reading C back: %w", err)
	}
	// Copy out before unmap: unmapping detaches the ArrayBuffer.
	view := js.Global().Get("Uint8Array").New(read.Call("getMappedRange"))
	js.CopyBytesToGo(bytesOf(out), view)
	read.Call("unmap")
	if !direct {
		for g := range bt.count {
			Unpack(sh.m, sh.n, out[g*bt.stepC/4:], n4, T(beta), c[g*bt.strideC:], ldc)
		}
	}
	return nil
}

// upload writes b to a buffer: from a view of the program's memory when the
// page gave it (one copy, by the browser), else through a JavaScript copy.
func (e *Engine) upload(buf js.Value, b []byte) {
	if e.memory.IsUndefined() {
		e.write(buf, b)
		return
	}
	e.queue.Call("writeBuffer", buf, 0, e.memory.Get("buffer"), uintptr(unsafe.Pointer(&b[0])), len(b))
	runtime.KeepAlive(b)
}

// write uploads bytes to a buffer through the queue.
func (e *Engine) write(buf js.Value, b []byte) {
	u8 := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u8, b)
	e.queue.Call("writeBuffer", buf, 0, u8)
}

// View returns f as a Float32Array: a view of the program's memory (valid
// until the Go program's memory grows) when the page gave it, else a copy.
func (e *Engine) View(f []float32) js.Value {
	if e.memory.IsUndefined() || len(f) == 0 {
		return CopyToJS(f)
	}
	return js.Global().Get("Float32Array").New(e.memory.Get("buffer"), uintptr(unsafe.Pointer(&f[0])), len(f))
}
