package vk

import "fmt"

// Bindings is the number of storage buffers every kernel binds (A, B, C).
// Kernels that read texels also bind A and B as uniform texel buffers
// (bindings 3 and 4); see NewPipeline.
const Bindings = 3

// Texels is how a kernel reads A and B besides its storage buffers.
type Texels uint8

const (
	NoTexels    Texels = iota // storage buffers only
	FloatTexels               // uniform texel buffers of R32G32B32A32_SFLOAT: vec4 of float32
	// UintTexels: uniform texel buffers of R32G32B32A32_UINT, uvec4 of raw
	// bits (eight halves or two float64 to a texel). A float view would do
	// for the bits on most drivers, but may flush the denormals that two
	// halves or half a float64 can look like.
	UintTexels
)

func (t Texels) String() string {
	switch t {
	case NoTexels:
		return "storage-buffer loads"
	case FloatTexels:
		return "vec4 texel buffers"
	case UintTexels:
		return "uvec4 texel buffers"
	}
	return fmt.Sprintf("texels(%d)", uint8(t))
}

// Texels says whether the device reads storage buffers as texels t.
func (p *Properties) Texels(t Texels) bool {
	switch t {
	case NoTexels:
		return true
	case FloatTexels:
		return p.TexelBuffers
	case UintTexels:
		return p.UintTexelBuffers
	}
	return false
}

// ComponentType is the element type of a cooperative matrix, as Vulkan
// numbers it (VkComponentTypeKHR).
type ComponentType uint32

// Component types of cooperative matrices.
const (
	ComponentF16  ComponentType = 0
	ComponentF32  ComponentType = 1
	ComponentS8   ComponentType = 3
	ComponentS32  ComponentType = 5
	ComponentU8   ComponentType = 7
	ComponentU32  ComponentType = 9
	ComponentBF16 ComponentType = 1000141000
	ComponentE4M3 ComponentType = 1000491002 // FP8 (VK_EXT_shader_float8)
	ComponentE5M2 ComponentType = 1000491003
)

func (t ComponentType) String() string {
	switch t {
	case ComponentF16:
		return "f16"
	case ComponentF32:
		return "f32"
	case ComponentS8:
		return "s8"
	case ComponentS32:
		return "s32"
	case ComponentU8:
		return "u8"
	case ComponentU32:
		return "u32"
	case ComponentBF16:
		return "bf16"
	case ComponentE4M3:
		return "e4m3"
	case ComponentE5M2:
		return "e5m2"
	}
	return fmt.Sprintf("component(%d)", uint32(t))
}

// CoopMatrix is one shape a device multiplies on its matrix units at
// subgroup scope: an M×K matrix of A by a K×N matrix of B added to an M×N
// matrix of C, giving a Result.
type CoopMatrix struct {
	M, N, K         uint32
	A, B, C, Result ComponentType
	Saturating      bool
}

func (m CoopMatrix) String() string {
	return fmt.Sprintf("%dx%dx%d %v×%v→%v", m.M, m.N, m.K, m.A, m.B, m.Result)
}

// Device types, as Vulkan numbers them.
const (
	TypeOther         = 0
	TypeIntegrated    = 1
	TypeDiscrete      = 2
	TypeVirtual       = 3
	TypeCPU           = 4
	apiVersion1_2     = 1<<22 | 2<<12
	maxQueueFamilyIdx = ^uint32(0)
)

// Properties is what vkgemm needs to know of a physical device.
type Properties struct {
	Name                   string
	VendorID, DeviceID     uint32
	Type                   int
	APIVersion             uint32
	DriverVersion          uint32
	DriverID               uint32
	DriverName, DriverInfo string
	SubgroupSize           uint32
	// SubgroupBroadcast: compute shaders may use subgroupBroadcast
	// (VK_SUBGROUP_FEATURE_BALLOT_BIT in the compute stage).
	SubgroupBroadcast bool
	// TexelBuffers: storage buffers can also be read as uniform texel
	// buffers of R32G32B32A32_SFLOAT, at most MaxTexelElements texels, with
	// offsets aligned to TexelAlignment bytes. UintTexelBuffers: the same
	// of R32G32B32A32_UINT (mandatory where the first is, by the spec's
	// format tables, but asked all the same).
	TexelBuffers, UintTexelBuffers bool
	// CoopMatrices are the subgroup-scope cooperative-matrix shapes of a
	// device that has VK_KHR_cooperative_matrix and everything the kernels
	// using it need (shaderFloat16 and shaderInt8, the Vulkan memory model,
	// full subgroups in compute); NewDevice enables them where listed.
	CoopMatrices []CoopMatrix
	// IntegerDot: shaders may use packed integer dot products
	// (VK_KHR_shader_integer_dot_product's feature; NewDevice enables it),
	// and IntegerDotFast: the device accelerates signed 4x8-bit ones.
	IntegerDot, IntegerDotFast bool
	// ShaderFloat64: shaders may use float64 (VkPhysicalDeviceFeatures
	// shaderFloat64); NewDevice enables it where present.
	ShaderFloat64         bool
	MaxTexelElements      uint32
	TexelAlignment        uint64
	MaxSharedMemory       uint32
	MaxInvocations        uint32
	MaxWorkGroupSize      [3]uint32
	MaxWorkGroupCount     [3]uint32
	MaxStorageBufferRange uint32
	MaxPushConstantsSize  uint32
	MaxAllocationSize     uint64
	StorageAlignment      uint64 // minStorageBufferOffsetAlignment
	TimestampPeriod       float32
	PipelineCacheUUID     [16]byte
	Heaps                 []Heap
	MemoryTypes           []MemoryType
	// QueueFamilies as the driver lists them. ComputeQueueFamily is the
	// one ComputeFamily chooses; maxQueueFamilyIdx where there is none.
	QueueFamilies      []QueueFamily
	ComputeQueueFamily uint32
	TimestampValidBits uint32
}

// HasComputeQueue reports whether the device can run compute work at all.
func (p *Properties) HasComputeQueue() bool { return p.ComputeQueueFamily != maxQueueFamilyIdx }

// Memory is the device's memory as memory selection reads it.
func (p *Properties) Memory() MemoryLayout {
	return MemoryLayout{Heaps: p.Heaps, Types: p.MemoryTypes, MaxAllocation: p.MaxAllocationSize}
}

// Version formats a packed Vulkan version.
func Version(v uint32) string {
	return fmt.Sprintf("%d.%d.%d", v>>22, (v>>12)&0x3ff, v&0xfff)
}

// MaxPushBytes is the push-constant space every Vulkan device offers
// (maxPushConstantsSize is at least 128).
const MaxPushBytes = 128
