// Package static serves the browser build in dist/: the right MIME types
// (application/wasm for WebAssembly.instantiateStreaming), the precompressed
// .gz copies to clients that accept gzip, and no caching, so a rebuilt page
// is always the one loaded.
package static
