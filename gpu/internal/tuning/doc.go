// Package tuning is the tuning file: what the tuner learned about one device
// and driver (the kernel per element type and shape class, the GFLOPS each
// reached, the BLAS adapter's crossovers), its JSON format and where it
// lives in the cache directory. The engine loads it at Open; the tuner
// writes it. Files of earlier formats still load.
package tuning
