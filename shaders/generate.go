package shaders

//go:generate ./compile.sh
