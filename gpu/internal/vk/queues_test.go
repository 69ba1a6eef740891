package vk

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func (tb *memoryTable) queueFamilies(t *testing.T) []QueueFamily {
	var out []QueueFamily
	for _, q := range tb.QueueFamilies {
		f, err := strconv.ParseUint(q.Flags, 0, 32)
		require.NoError(t, err, tb.file)
		out = append(out, QueueFamily{Flags: uint32(f), Count: q.Count})
	}
	return out
}

// The queues chosen on each recorded device: compute on NVIDIA's
// compute-only family, uploads on its copy engines (transfer-only family 1,
// not the video family 3, which also copies); no transfer queue on AMD's
// RADV (it offers none), UMA GPUs, Apple or CPU drivers.
func TestQueueFamiliesOfRecordedDevices(t *testing.T) {
	want := map[string][2]uint32{ // compute, transfer
		"nvidia-rtx2070super.json":   {2, 1},
		"nvidia-rtx2080.json":        {2, 1},
		"nvidia-rebar.json":          {2, 1},
		"nvidia-h100.json":           {2, 1},
		"amd-radv-nosam.json":        {1, NoQueueFamily},
		"amd-radv-sam.json":          {1, NoQueueFamily},
		"intel-arc-a380.json":        {0, NoQueueFamily},
		"intel-arl-noncoherent.json": {1, 2},
		"intel-uhd620.json":          {0, NoQueueFamily},
		"apple-m1-moltenvk.json":     {0, NoQueueFamily},
		"qualcomm-adreno620.json":    {0, NoQueueFamily},
		"arm-mali-g78.json":          {0, NoQueueFamily},
		"lavapipe.json":              {0, NoQueueFamily},
		"swiftshader.json":           {0, NoQueueFamily},
	}
	tables := loadTables(t)
	require.Len(t, tables, len(want))
	for _, tb := range tables {
		t.Run(tb.file, func(t *testing.T) {
			require.NotEmpty(t, tb.QueueSource, "the queue families name their source")
			fams := tb.queueFamilies(t)
			require.NotEmpty(t, fams)
			compute, transfer := ComputeFamily(fams), TransferFamily(fams)
			w, ok := want[tb.file]
			require.True(t, ok, "an expectation for every table")
			assert.Equal(t, w, [2]uint32{compute, transfer}, "compute and transfer families")
			assert.NotZero(t, fams[compute].Flags&QueueCompute)
			if transfer != NoQueueFamily {
				f := fams[transfer].Flags
				assert.NotZero(t, f&QueueTransfer)
				assert.Zero(t, f&(QueueGraphics|QueueCompute), "a transfer-only family")
			}
			if tb.Type == "cpu" {
				assert.Equal(t, NoQueueFamily, transfer, "CPU drivers have no copy engine")
			}
			plan, err := PlanQueues(fams, TransferAuto)
			require.NoError(t, err)
			assert.Equal(t, transfer != NoQueueFamily, plan.Dedicated(), "auto uses the transfer family where there is one")
			t.Logf("%s: %v", tb.Device, plan)
		})
	}
}

// Each mode's plan: off never splits; same uses the compute queue; second a
// second queue of the compute family where it has one; auto the transfer
// family, or nothing.
func TestPlanQueues(t *testing.T) {
	nvidia := []QueueFamily{{Flags: 0xf, Count: 16}, {Flags: 0xc, Count: 2}, {Flags: 0xe, Count: 8}}
	cpu := []QueueFamily{{Flags: 0x7, Count: 1}}
	for _, tc := range []struct {
		name   string
		fams   []QueueFamily
		mode   TransferMode
		want   QueuePlan
		split  bool
		queues map[uint32]uint32 // queues opened per family
	}{
		{"nvidia auto", nvidia, TransferAuto, QueuePlan{Compute: 2, Transfer: 1}, true, map[uint32]uint32{2: 1, 1: 1}},
		{"nvidia off", nvidia, TransferOff, QueuePlan{Compute: 2, Transfer: NoQueueFamily}, false, map[uint32]uint32{2: 1}},
		{"nvidia second", nvidia, TransferSecondQueue, QueuePlan{Compute: 2, Transfer: 2, TransferIndex: 1}, true, map[uint32]uint32{2: 2}},
		{"nvidia same", nvidia, TransferSameQueue, QueuePlan{Compute: 2, Transfer: 2}, true, map[uint32]uint32{2: 1}},
		{"cpu auto", cpu, TransferAuto, QueuePlan{Compute: 0, Transfer: NoQueueFamily}, false, map[uint32]uint32{0: 1}},
		{"cpu second", cpu, TransferSecondQueue, QueuePlan{Compute: 0, Transfer: 0, TransferIndex: 0}, true, map[uint32]uint32{0: 1}},
		{"cpu same", cpu, TransferSameQueue, QueuePlan{Compute: 0, Transfer: 0}, true, map[uint32]uint32{0: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := PlanQueues(tc.fams, tc.mode)
			require.NoError(t, err)
			assert.Equal(t, tc.want, p)
			assert.Equal(t, tc.split, p.Split())
			assert.Equal(t, tc.queues, p.queueCounts())
			assert.Equal(t, p.Split() && p.Transfer != p.Compute, p.Dedicated())
		})
	}
	_, err := PlanQueues([]QueueFamily{{Flags: QueueGraphics, Count: 1}, {Flags: QueueTransfer, Count: 1}}, TransferAuto)
	assert.ErrorIs(t, err, ErrUnsupported, "no compute family")
	_, err = ParseTransferMode("dma")
	assert.ErrorContains(t, err, "auto, off, second or same")
}
