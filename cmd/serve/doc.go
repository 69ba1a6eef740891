// Command serve serves the browser build (dist/, from ./build.sh web) on
// 127.0.0.1, which browsers count as a secure context, so WebGPU is allowed,
// and prints the address to open.
//
//	serve [-dir dist] [-addr 127.0.0.1:8080]
package main
