// SGEMM for WebGPU on real GPUs: C = alpha * A * B on packed, row-major,
// zero-padded matrices (rows padded to a multiple of 4; A and B read as
// vec4: 4 k-values of a row of A, 4 columns of a row of B), the same
// bindings and Params as every kernel (sgemm_common.wgsl).
//
// A workgroup of WG_X x WG_Y invocations computes a TILE_M x TILE_N =
// (8*WG_Y) x (8*WG_X) block of C, stepping through k in tiles of TK: the
// tiles of A and B are staged in workgroup memory, where every invocation
// reads what all the others loaded, and each invocation keeps an 8x8 block
// of C in registers (two vec4 row groups by two vec4 column groups, strided
// by half a tile so that neighbouring invocations read neighbouring words).
// Double buffering: the next k-tile is read from global memory into
// registers while the current one is multiplied, and stored into the other
// half of workgroup memory at the next step, so one barrier per k-tile
// suffices.
//
// Workgroup memory: 2 * 4 * TK * (TILE_M + TILE_N) bytes, 16 KiB with the
// defaults (WebGPU's default limit), 256 invocations.
override WG_X: u32 = 16; // invocations along N
override WG_Y: u32 = 16; // invocations along M
override TK: u32 = 8;    // k-values per tile, a multiple of 4

override TILE_M: u32 = 8u * WG_Y;
override TILE_N: u32 = 8u * WG_X;
override A_VECS: u32 = TILE_M * TK / 4u; // vec4 of A in one tile
override B_VECS: u32 = TK * TILE_N / 4u; // vec4 of B in one tile
override THREADS: u32 = WG_X * WG_Y;
// Per stage: the A tile transposed, [TK][TILE_M/4] vec4 of 4 rows each; the
// B tile as it is, [TK][TILE_N/4] vec4 of 4 columns each.
override A_STAGE: u32 = TK * TILE_M / 4u;
override B_STAGE: u32 = TK * TILE_N / 4u;
// Registers for the next tile: enough for any WG_X, WG_Y, TK with
// A_VECS, B_VECS <= 4 * THREADS.
const LOADS: u32 = 4u;

// Params and the bindings a, b, c, p: sgemm_common.wgsl, sgemm_inputs_f32.wgsl.

var<workgroup> sa: array<vec4<f32>, 2u * A_STAGE>;
var<workgroup> sb: array<vec4<f32>, 2u * B_STAGE>;

// loadA reads the vec4 number l of the A tile at k-tile t (zero outside A).
fn loadA(row0: u32, t: u32, l: u32) -> vec4<f32> {
    let row = row0 + l / (TK / 4u);
    let kq = t * (TK / 4u) + l % (TK / 4u);
    if (l >= A_VECS || row >= p.row_end || kq >= p.k4) {
        return vec4<f32>(0.0);
    }
    return a[row * p.k4 + kq];
}

// loadB reads the vec4 number l of the B tile at k-tile t (zero outside B).
fn loadB(col0: u32, t: u32, l: u32) -> vec4<f32> {
    let k = t * TK + l / (TILE_N / 4u);
    let cq = col0 / 4u + l % (TILE_N / 4u);
    if (l >= B_VECS || k >= 4u * p.k4 || cq >= p.n4) {
        return vec4<f32>(0.0);
    }
    return b[k * p.n4 + cq];
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
    let tid = lid.y * WG_X + lid.x;
    let row0 = p.row0 + wid.y * TILE_M;
    let col0 = wid.x * TILE_N;
    let tiles = (4u * p.k4 + TK - 1u) / TK;

    var ra: array<vec4<f32>, LOADS>;
    var rb: array<vec4<f32>, LOADS>;
    var acc: array<vec4<f32>, 16>; // rows (2 groups of 4) x 2 vec4 columns

    // The first tile, into stage 0.
    for (var i = 0u; i < LOADS; i++) {
        ra[i] = loadA(row0, 0u, tid + i * THREADS);
        rb[i] = loadB(col0, 0u, tid + i * THREADS);
    }
    for (var t = 0u; t < tiles; t++) {
        let stage = t % 2u;
        // Store the registers into this stage: it was last read two steps
        // ago, before the barrier of the last step.
        for (var i = 0u; i < LOADS; i++) {
            let l = tid + i * THREADS;
            if (l < A_VECS) {
                let r = l / (TK / 4u);
                let k = (l % (TK / 4u)) * 4u;
                let base = stage * A_STAGE + r / 4u;
                sa[base + k * (TILE_M / 4u)][r % 4u] = ra[i].x;
                sa[base + (k + 1u) * (TILE_M / 4u)][r % 4u] = ra[i].y;
                sa[base + (k + 2u) * (TILE_M / 4u)][r % 4u] = ra[i].z;
                sa[base + (k + 3u) * (TILE_M / 4u)][r % 4u] = ra[i].w;
            }
            if (l < B_VECS) {
                sb[stage * B_STAGE + l] = rb[i];
            }
        }
        // One barrier per tile: the stores above are seen by all, and the
        // next step writes the other stage while this one may still be read.
        workgroupBarrier();
        if (t + 1u < tiles) {
            for (var i = 0u; i < LOADS; i++) {
                ra[i] = loadA(row0, t + 1u, tid + i * THREADS);
                rb[i] = loadB(col0, t + 1u, tid + i * THREADS);
            }
        }
        for (var k = 0u; k < TK; k++) {
            let ia = stage * A_STAGE + k * (TILE_M / 4u) + lid.y;
            let ib = stage * B_STAGE + k * (TILE_N / 4u) + lid.x;
            let a0 = sa[ia];
            let a1 = sa[ia + TILE_M / 8u];
            let b0 = sb[ib];
            let b1 = sb[ib + TILE_N / 8u];
            for (var r = 0u; r < 4u; r++) {
                acc[2u * r] = fma(vec4<f32>(a0[r]), b0, acc[2u * r]);
                acc[2u * r + 1u] = fma(vec4<f32>(a0[r]), b1, acc[2u * r + 1u]);
                acc[8u + 2u * r] = fma(vec4<f32>(a1[r]), b0, acc[8u + 2u * r]);
                acc[8u + 2u * r + 1u] = fma(vec4<f32>(a1[r]), b1, acc[8u + 2u * r + 1u]);
            }
        }
    }

    for (var h = 0u; h < 2u; h++) {
        for (var r = 0u; r < 4u; r++) {
            let row = row0 + h * (TILE_M / 2u) + 4u * lid.y + r;
            if (row >= p.row_end) {
                continue;
            }
            for (var g = 0u; g < 2u; g++) {
                let cq = col0 / 4u + g * (TILE_N / 8u) + lid.x;
                if (cq < p.n4) {
                    c[row * p.n4 + cq] = p.alpha * acc[8u * h + 2u * r + g];
                }
            }
        }
    }
}
