// Package tune is vkgemm's tuner: it searches, per shape class, the kernel
// that runs fastest on a device (float32 products, strided batches of small
// ones, GemmHalf per format, and with Options.Int8 GemmInt8), checking every
// candidate against the float64 reference before timing it (GemmInt8's
// exactly, against the CPU engine's int8 GEMM, also on the product it is
// timed on), measures the BLAS adapter's crossovers (the
// size from which the device beats the CPU path, per precision and class),
// and keeps the result in the device's tuning file, which gpu.Open applies
// from then on. The command `vkgemm tune` runs it (`-int8` for GemmInt8).
// GemmInt8's tuned kernels ("int8/square") are the int8 direct module's;
// where GemmInt8 runs on cooperative matrices (their self-check passed)
// it keeps them, and the tuned kernel serves where they are off or fail.
//
//	dev, err := gpu.Open(gpu.Config{})
//	...
//	t, err := tune.Run(dev, tune.Options{Budget: 4 * time.Minute, Crossovers: true, Save: true})
//
// A tuning file belongs to one device and driver version (a driver update
// starts afresh); it lives in Config.CacheDir (default
// os.UserCacheDir()/vkgemm), and Path says where. A file that does not fit
// the device, or that an older release wrote in a format this one cannot
// read, is ignored with a warning that says to run the tuner again.
package tune
