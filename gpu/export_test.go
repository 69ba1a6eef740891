package gpu

// SimulateLoss marks d lost, as if the driver had returned
// VK_ERROR_DEVICE_LOST.
func SimulateLoss(d *Device) { d.dev.SimulateLoss() }

// Pick exposes device choice for tests.
var Pick = pick

// NewInfo makes a DeviceInfo for tests of device choice.
func NewInfo(name string, t DeviceType, supported bool, why string) DeviceInfo {
	return DeviceInfo{Name: name, Type: t, Supported: supported, Why: why}
}

// SortDevices exposes the preference order for tests.
var SortDevices = sortDevices

// Supported exposes the support check for tests.
var Supported = supported
