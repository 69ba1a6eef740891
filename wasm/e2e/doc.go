// Package e2e tests the browser build end to end in real headless Chromium,
// driven with chromedp: the page served by package static loads, WebGPU
// runs on SwiftShader, the results of every WGSL kernel family (and of the
// one forced with ?kernel=tiled) match the float64 reference and the
// CPU engine, frames keep coming during the sweep, and without WebGPU the
// page says so and races the CPU path alone. Screenshots are kept in
// $VKGEMM_ARTIFACTS.
//
// The tests are built with -tags e2e and need dist/ (./build.sh web) and
// Chromium at /usr/lib/chromium/chromium (or $VKGEMM_CHROMIUM); ./build.sh
// test runs them. Where either is missing they skip, except in CI (CI=true
// or VKGEMM_REQUIRE_DEVICE=1), where they fail.
package e2e
