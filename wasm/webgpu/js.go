//go:build js && wasm

package webgpu

import (
	"errors"
	"fmt"
	"syscall/js"
	"time"
	"unsafe"
)

// Timeout bounds every wait for the browser, so that a lost device or a
// stuck adapter becomes an error instead of a hang.
var Timeout = 2 * time.Minute

// Await waits for a Promise from main or a goroutine (never from a js.FuncOf
// callback, where waiting deadlocks the program) and returns its value, or
// its rejection as an error.
func Await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- result{v: v}
		return nil
	})
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		err := errors.New("rejected")
		if len(args) > 0 {
			err = jsError(args[0])
		}
		ch <- result{err: err}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(Timeout):
		return js.Undefined(), fmt.Errorf("the browser did not answer within %v", Timeout)
	}
}

// jsError turns a thrown or rejected JS value into a Go error.
func jsError(v js.Value) error {
	if v.Type() == js.TypeObject && v.Get("message").Type() == js.TypeString {
		return errors.New(v.Get("message").String())
	}
	return errors.New(v.String())
}

// catch turns a panic from syscall/js (a JS exception) into an error.
func catch(err *error) {
	if r := recover(); r != nil {
		if e, ok := r.(js.Error); ok {
			*err = fmt.Errorf("WebGPU: %w", jsError(e.Value))
			return
		}
		panic(r)
	}
}

// bytesOf views a slice of numbers as bytes, for js.CopyBytesToJS/ToGo
// and uploads.
func bytesOf[T float32 | uint16 | int8 | int32](f []T) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), int(unsafe.Sizeof(f[0]))*len(f))
}

func obj(kv ...any) js.Value {
	o := js.Global().Get("Object").New()
	for i := 0; i+1 < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

func arr(vs ...any) js.Value {
	a := js.Global().Get("Array").New()
	for _, v := range vs {
		a.Call("push", v)
	}
	return a
}

// Promise runs f on a goroutine and settles a new Promise with its result:
// how a js.FuncOf callback hands back work that waits on the browser.
func Promise(f func() (any, error)) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve, reject := args[0], args[1]
		go func() {
			defer executor.Release()
			v, err := f()
			if err != nil {
				reject.Invoke(js.Global().Get("Error").New(err.Error()))
				return
			}
			resolve.Invoke(v)
		}()
		return nil
	})
	return js.Global().Get("Promise").New(executor)
}

// CopyToJS copies f into a new Float32Array.
func CopyToJS(f []float32) js.Value {
	u8 := js.Global().Get("Uint8Array").New(4 * len(f))
	js.CopyBytesToJS(u8, bytesOf(f))
	return js.Global().Get("Float32Array").New(u8.Get("buffer"))
}

// CopyToGo copies the Float32Array src into dst, which must have its length.
func CopyToGo(dst []float32, src js.Value) {
	js.CopyBytesToGo(bytesOf(dst), js.Global().Get("Uint8Array").New(src.Get("buffer"), src.Get("byteOffset"), 4*len(dst)))
}
