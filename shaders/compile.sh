#!/bin/sh
# Writes glsl/ from the table of variants (gen.go), then compiles every GLSL
# compute source to SPIR-V and validates it. Run through
# `go generate ./shaders` or `./build.sh shaders`. The flags here are also
# what the freshness test compiles with.
set -e
cd "$(dirname "$0")"
go run gen.go glsl
for src in glsl/*.comp; do
	out="spirv/$(basename "$src" .comp).spv"
	glslc --target-env=vulkan1.1 -O -o "$out" "$src"
	spirv-val --target-env vulkan1.1 "$out"
done
