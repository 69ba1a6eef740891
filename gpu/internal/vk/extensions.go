package vk

import (
	"fmt"
	"strings"
)

// Portability names and the flag VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR.
const (
	extPortabilityEnumeration = "VK_KHR_portability_enumeration"
	extPortabilitySubset      = "VK_KHR_portability_subset"
	extMemoryBudget           = "VK_EXT_memory_budget"
	extDebugUtils             = "VK_EXT_debug_utils"
	enumeratePortabilityBit   = 0x1
)

// InstanceExtensions chooses the instance extensions to enable among those
// the loader offers, and the instance-create flags that go with them.
func InstanceExtensions(offered []string, validation bool) (exts []string, flags uint32) {
	if validation {
		exts = append(exts, extDebugUtils)
	}
	for _, e := range offered {
		if e == extPortabilityEnumeration {
			exts = append(exts, e)
			flags |= enumeratePortabilityBit
		}
	}
	return exts, flags
}

// DeviceExtensions chooses the device extensions to enable among those a
// device offers: VK_KHR_portability_subset, which a device that offers it
// requires (MoltenVK), and VK_EXT_memory_budget for the budget queries.
func DeviceExtensions(offered []string) []string {
	var exts []string
	for _, e := range offered {
		if e == extPortabilitySubset || e == extMemoryBudget {
			exts = append(exts, e)
		}
	}
	return exts
}

// driverEnvs are the variables with which the loader is told which driver
// manifests (ICD JSON files) to read.
var driverEnvs = []string{"VK_DRIVER_FILES", "VK_ICD_FILENAMES", "VK_ADD_DRIVER_FILES"}

// explainDriverError explains a failure to create an instance or list
// devices.
// The loader reports a driver manifest it cannot parse as out of host
// memory; where the environment names manifests, that is almost always the
// cause, so say so instead of blaming memory.
func explainDriverError(r int32, err error, getenv func(string) string) error {
	var set []string
	for _, name := range driverEnvs {
		if v := getenv(name); v != "" {
			set = append(set, fmt.Sprintf("%s=%s", name, v))
		}
	}
	switch {
	case len(set) > 0 && (r == resultErrorOutOfHostMemory || r == resultErrorIncompatibleDriver || r == resultErrorInitializationFailed):
		return fmt.Errorf("%w: %s: the driver manifests named by %s are missing, unreadable, not valid JSON or name a driver library that does not load (unset them to use the installed drivers; for a CPU driver `apt-get install mesa-vulkan-drivers`)",
			ErrNoDevice, resultName(r), strings.Join(set, ", "))
	case r == resultErrorIncompatibleDriver || r == resultErrorInitializationFailed:
		return fmt.Errorf("%w: %v (no Vulkan driver is installed: for a CPU driver `apt-get install mesa-vulkan-drivers`)", ErrNoDevice, err)
	}
	return err
}
