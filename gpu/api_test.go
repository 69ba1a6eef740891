package gpu_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Package gpu is the engine a program calls, nothing more: at most 72
// exported names, package-level and methods together. 59 before the group
// of devices (issue 21), which adds 13: Group and OpenAll, Group's GEMM
// calls under Device's names (Sgemm, Dgemm, GemmHalf, GemmInt8,
// SgemmStridedBatched, Backend and Describe, so that a group is a
// gemm.Engine), Devices and Shares, which `vkgemm bench -device all`
// reports, Close, and Target, what NewBLAS takes (a device or a group).
func TestAPIIsSmall(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var names []string
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				if decl.Name.IsExported() && (decl.Recv == nil || receiverExported(decl.Recv)) {
					names = append(names, decl.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					switch spec := spec.(type) {
					case *ast.TypeSpec:
						if spec.Name.IsExported() {
							names = append(names, spec.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range spec.Names {
							if n.IsExported() {
								names = append(names, n.Name)
							}
						}
					}
				}
			}
		}
	}
	assert.LessOrEqual(t, len(names), 72, "exported: %v", names)
}

func receiverExported(recv *ast.FieldList) bool {
	typ := recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}

// The environment is read in one place of the engine (ConfigFromEnv), one
// of the CPU path, and where the Vulkan loader is opened; nowhere else in
// gpu/ or gemm/.
func TestEnvironmentIsReadOnce(t *testing.T) {
	allowed := map[string]bool{"config.go": true, "internal/vk/instance.go": true, "../gemm/cpu/openblas.go": true}
	for _, root := range []string{".", "../gemm"} {
		err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, call := range []string{"os.Getenv(", "os.LookupEnv(", "os.Environ("} {
				if strings.Contains(string(src), call) {
					assert.True(t, allowed[filepath.ToSlash(path)], "%s calls %s", path, call)
				}
			}
			return nil
		})
		require.NoError(t, err)
	}
}
