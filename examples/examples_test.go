package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu"
)

// TestExamplesRun builds every example and runs it on the device the
// environment chooses (VK_DRIVER_FILES, VKGEMM_DEVICE), with the
// validation layer when VKGEMM_VALIDATION=1.
func TestExamplesRun(t *testing.T) {
	if _, err := gpu.Devices(); err != nil {
		if os.Getenv("VKGEMM_REQUIRE_DEVICE") == "1" {
			t.Fatalf("no Vulkan device: %v", err)
		}
		t.Skipf("no Vulkan device (set VKGEMM_REQUIRE_DEVICE=1 to fail instead): %v", err)
	}
	bin := t.TempDir()
	out, err := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./...").CombinedOutput()
	require.NoError(t, err, "%s", out)
	t.Setenv("VKGEMM_CACHE_DIR", t.TempDir())
	for name, says := range map[string][]string{
		"sgemm":       {"device: ", "C = [4 5 10 11]"},
		"gonum":       {"device: ", "largest difference from gonum's own Sgemm"},
		"mat":         {"device: ", "largest difference from gonum's own Dgemm"},
		"batched":     {"batch of 64, product 63", "device-resident batch of 8", "bfloat16 inputs"},
		"chain":       {"Z = (X·Y)·X, n = 256, on the device"},
		"badargument": {"C = [4 5 10 11]", "errors.Is(err, gpu.ErrBadArgument): true", "lda=2"},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := exec.Command(filepath.Join(bin, name)).CombinedOutput()
			require.NoError(t, err, "%s", out)
			for _, s := range says {
				assert.Contains(t, string(out), s)
			}
		})
	}
}
