package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vkgemm/vkgemm/gpu"
)

// driverEnv lists the Vulkan loader's variables that replace the drivers it
// would find (VK_ICD_FILENAMES is the older name). A stale one makes every
// driver vanish, and the loader's own error does not name it.
var driverEnv = []string{"VK_DRIVER_FILES", "VK_ICD_FILENAMES"}

// explainDriverEnv adds to an error about missing devices the loader
// variables that are set, and the paths in them that do not exist.
func explainDriverEnv(err error) error {
	if !errors.Is(err, gpu.ErrNoDevice) && !errors.Is(err, gpu.ErrUnsupported) {
		return err
	}
	var notes []string
	for _, name := range driverEnv {
		value := os.Getenv(name)
		if value == "" {
			continue
		}
		var missing []string
		for _, path := range filepath.SplitList(value) {
			if _, statErr := os.Stat(path); statErr != nil {
				missing = append(missing, path)
			}
		}
		note := fmt.Sprintf("%s=%s is set, so the loader looks only at the drivers it names", name, value)
		if len(missing) > 0 {
			note = fmt.Sprintf("%s=%s is set, and %s does not exist", name, value, strings.Join(missing, ", "))
		}
		notes = append(notes, note+": unset it or name a driver's JSON file (see /usr/share/vulkan/icd.d)")
	}
	if len(notes) == 0 {
		return err
	}
	return fmt.Errorf("%w\n%s", err, strings.Join(notes, "\n"))
}
