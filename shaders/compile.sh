#!/bin/sh
# Regenerates glsl/gemm_direct*.comp and gemm_subgroup*.comp from gen_direct.py, then compiles every
# GLSL compute source to SPIR-V and validates it. Run through
# `go generate ./shaders` or `./build.sh shaders`. The flags here are also
# what the freshness test compiles with.
set -e
cd "$(dirname "$0")"
python3 gen_direct.py glsl/gemm_direct.comp 16
python3 gen_direct.py glsl/gemm_direct_8.comp 8
python3 gen_direct.py glsl/gemm_subgroup.comp subgroup 8
python3 gen_direct.py glsl/gemm_subgroup_4.comp subgroup 4
python3 gen_direct.py glsl/gemm_subgroup_texel.comp subgroup 8 texel
python3 gen_direct.py glsl/gemm_direct_texel.comp 16 texel
for src in glsl/*.comp; do
	out="spirv/$(basename "$src" .comp).spv"
	glslc --target-env=vulkan1.1 -O -o "$out" "$src"
	spirv-val --target-env vulkan1.1 "$out"
done
