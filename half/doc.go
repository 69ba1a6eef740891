// Package half converts between float32 and the two 16-bit floating-point
// formats that GEMM inputs come in: IEEE 754 binary16 (F16) and bfloat16
// (BF16). Values are held as their bit patterns in uint16, as a GPU buffer
// holds them.
//
// Conversions from float32 round to nearest, ties to even; NaNs stay NaNs
// (quieted), infinities stay infinities, and values beyond a format's range
// become infinities, as IEEE 754 says. Conversions to float32 are exact:
// every F16 and BF16 value is a float32 value. That is why a product of two
// half-precision inputs accumulated in float32 keeps float32's error bound
// with the inputs taken as exact.
//
// F16 is done by github.com/x448/float16; BF16 is the upper half of a
// float32, so it needs no library.
package half
