package gpu

// Pipelines counts the pipelines d has built.
func Pipelines(d *Device) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.pipes)
}
