// The race of ./build.sh bench-web, in one page: the vkgemm WebGPU engine
// (Go compiled to WebAssembly), tfjs-backend-webgpu and jax-js multiply the
// same n×n float32 matrices. Each engine's result is first checked against
// the float64 reference (in Go, gemm.Reference within gemm.Bound); then,
// per round, every engine in turn runs 2 warm-ups and 7 timed reps, each
// timed from the upload of A and B to C back in a Float32Array. The driver
// (package benchweb) reads window.benchDone / window.benchResult and prints
// medians of the round medians.
//
// The address takes ?sizes=128,256&rounds=3&reps=7&warmups=2&family=direct.
import * as jax from "./node_modules/@jax-js/jax/dist/index.js";

const q = new URLSearchParams(location.search);
const sizes = (q.get("sizes") || "128,256,512,1024").split(",").map(Number);
const rounds = Number(q.get("rounds") || 3), reps = Number(q.get("reps") || 7), warmups = Number(q.get("warmups") || 2);
const logEl = document.getElementById("log");
const log = (s) => { logEl.textContent += s + "\n"; console.log(s); };

async function startVkgemm() {
  const resp = await fetch("engine.wasm");
  if (!resp.ok) throw new Error(`engine.wasm: HTTP ${resp.status}`);
  const go = new Go();
  const { instance } = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
  // The engine uploads straight from a view of this memory.
  globalThis.vkgemmWasmMemory = instance.exports.mem;
  globalThis.vkgemmFamily = q.get("family") || "";
  go.run(instance);
  for (let i = 0; i < 600 && !(globalThis.vkgemmBench && (vkgemmBench.ready || vkgemmBench.error)); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!globalThis.vkgemmBench) throw new Error("the Go engine did not start");
  if (vkgemmBench.error) throw new Error(vkgemmBench.error);
  return { name: "vkgemm", device: vkgemmBench.device, run: (a, b, n) => vkgemmBench.matmul(n) };
}

async function startTfjs() {
  if (!(await tf.setBackend("webgpu"))) throw new Error("tfjs: the webgpu backend did not start");
  await tf.ready();
  const info = tf.backend().adapterInfo || {};
  return {
    name: "tfjs-webgpu", device: `${info.vendor || "?"}/${info.architecture || "?"}`,
    run: async (a, b, n) => {
      const ta = tf.tensor2d(a, [n, n]), tb = tf.tensor2d(b, [n, n]);
      const tc = tf.matMul(ta, tb);
      const out = await tc.data();
      ta.dispose(); tb.dispose(); tc.dispose();
      return out;
    },
  };
}

async function startJax() {
  const got = await jax.init("webgpu");
  if (!got.includes("webgpu")) throw new Error("jax-js: the webgpu backend did not start");
  jax.defaultDevice("webgpu");
  const np = jax.numpy;
  return {
    name: "jax-js", device: "webgpu",
    run: async (a, b, n) => {
      const ja = np.array(a, { shape: [n, n], device: "webgpu" }), jb = np.array(b, { shape: [n, n], device: "webgpu" });
      // matmul takes ownership of both arrays, data() of the result.
      return await np.matmul(ja, jb).data();
    },
  };
}

const median = (xs) => { const s = [...xs].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function main() {
  const engines = [];
  for (const start of [startVkgemm, startTfjs, startJax]) {
    try {
      const e = await start();
      engines.push(e);
      log(`${e.name}: ${e.device}`);
    } catch (err) {
      engines.push({ name: start.name.replace(/^start/, "").toLowerCase(), error: String(err) });
      log(`${start.name}: ${err}`);
    }
  }
  const result = { userAgent: navigator.userAgent, sizes, rounds, reps, warmups, engines: engines.map(({ name, device, error }) => ({ name, device, error })), runs: [] };
  for (const n of sizes) {
    const [a, b] = vkgemmBench.inputs(n);
    for (const e of engines.filter((e) => !e.error)) {
      const run = { engine: e.name, n, rounds: [] };
      result.runs.push(run);
      try {
        // Correct before timed: a fast wrong answer is no answer.
        // A copy: vkgemm's result is a view of Go's memory, which the check
        // may grow (detaching the view).
        const c = (await e.run(a, b, n)).slice();
        run.check = JSON.parse(vkgemmBench.check(n, c));
        if (!run.check.OK) { run.error = `wrong result at n=${n}: ${run.check.Err || `max relative error ${run.check.MaxRelErr}`}`; continue; }
      } catch (err) {
        run.error = String(err);
      }
    }
    for (let r = 0; r < rounds; r++) {
      // Every engine once per round, in a rotated order, so that a slow
      // spell of the machine falls on all of them.
      const live = result.runs.filter((x) => x.n === n && !x.error);
      for (let i = 0; i < live.length; i++) {
        const run = live[(i + r) % live.length], e = engines.find((e) => e.name === run.engine);
        try {
          for (let w = 0; w < warmups; w++) await e.run(a, b, n);
          const ms = [];
          for (let i = 0; i < reps; i++) {
            const t0 = performance.now();
            await e.run(a, b, n);
            ms.push(performance.now() - t0);
          }
          run.rounds.push(ms);
          log(`  n=${n} round ${r + 1} ${run.engine}: ${median(ms).toFixed(1)} ms`);
        } catch (err) {
          run.error = String(err);
        }
      }
    }
    // What is done so far, for a driver that gives up before the end.
    window.benchResult = JSON.stringify(result);
    for (const run of result.runs.filter((x) => x.n === n)) {
      const ms = run.rounds.length ? median(run.rounds.map(median)) : NaN;
      log(`n=${n} ${run.engine}: ${run.error || `${ms.toFixed(2)} ms, ${(2 * n ** 3 / ms / 1e6).toFixed(3)} GFLOPS`}`);
    }
  }
  window.benchResult = JSON.stringify(result);
  window.benchDone = true;
}

main().catch((err) => { window.benchResult = JSON.stringify({ error: String(err) }); window.benchDone = true; log(String(err)); });
