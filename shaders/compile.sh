#!/bin/sh
# Writes glsl/ from the table of variants (gen.go), then compiles every GLSL
# compute source to SPIR-V and validates it. Run through
# `go generate ./shaders` or `./build.sh shaders`. The flags here are also
# what the freshness test compiles with.
#
# Cooperative-matrix sources (glsl/*coopmat*.comp) need glslang 16 (bfloat16
# needs 15.3), newer than Debian 12's: they are compiled by Debian testing's
# glslc 2026.4 through ../scripts/mesa26.sh (downloaded once, never
# installed), without -O (spirv-opt miscompiled such modules in some
# versions).
set -e
cd "$(dirname "$0")"
go run gen.go glsl
for src in glsl/*.comp; do
	out="spirv/$(basename "$src" .comp).spv"
	case "$src" in
	*coopmat*)
		../scripts/mesa26.sh glslc --target-env=vulkan1.1 -o "$out" "$src"
		../scripts/mesa26.sh spirv-val --target-env vulkan1.1 "$out"
		;;
	*_dot.comp)
		# GL_EXT_integer_dot_product: glslang 16 too, optimized.
		../scripts/mesa26.sh glslc --target-env=vulkan1.1 -O -o "$out" "$src"
		../scripts/mesa26.sh spirv-val --target-env vulkan1.1 "$out"
		;;
	*)
		glslc --target-env=vulkan1.1 -O -o "$out" "$src"
		spirv-val --target-env vulkan1.1 "$out"
		;;
	esac
done
