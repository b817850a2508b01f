// llama.cpp side of benchmarks/compare/run.sh: evaluates whole token windows with logits at every position through
// node-llama-cpp's prebuilt CPU binary (its llama.cpp addon), times them, and checks the loss sums against InvarLock's.
//
// Usage: node llama_cpp_eval.mjs --model FILE.gguf --windows FILE.json --threads T [--repeats 3] [--check]
//        [--rtol 1e-4] [--json-out FILE]
//   FILE.json: written by `InvarLock.Benchmarks --quick eval DIR --windows-out FILE` (token ids, InvarLock's loss sums).
//   env: NODE_LLAMA_CPP (default <repo>/.tools/llama-cpp/node_modules/node-llama-cpp, see install-llama-cpp.sh)
//
// Timing: each window is one llama_decode of all its tokens in one batch (context = batch = ubatch = window length) with
// output requested for every position (the llama-perplexity --all-logits way), after its KV cells are cleared. That is
// node-llama-cpp's own batch path (LlamaContext._ctx.initBatch/addToBatch/decodeBatch, the calls controlledEvaluate
// makes) without a sampler call per token. One window is evaluated as a warm-up; the best of --repeats passes over all
// windows is reported; tokens/s = windows x seq-len / seconds.
// --check: evaluates each window once more through the public controlledEvaluate API with the full next-token
// probability distribution at every position (temperature 1, no top-k/top-p/min-p) and sums -ln p(next token); it
// prints the maximum relative difference from InvarLock's loss sums and exits 1 above --rtol.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL, fileURLToPath } from "node:url";

function parseArgs(argv) {
  const args = { repeats: 3, rtol: 1e-4, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--check") args.check = true;
    else if (["--model", "--windows", "--json-out"].includes(a)) args[a.slice(2).replace("-", "_")] = argv[++i];
    else if (["--threads", "--repeats"].includes(a)) args[a.slice(2)] = parseInt(argv[++i], 10);
    else if (a === "--rtol") args.rtol = parseFloat(argv[++i]);
    else { console.error(`llama_cpp_eval.mjs: unknown argument ${a}`); process.exit(2); }
  }
  for (const k of ["model", "windows", "threads"]) {
    if (args[k] === undefined || Number.isNaN(args[k])) { console.error(`llama_cpp_eval.mjs: --${k} is required`); process.exit(2); }
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const packageDir = process.env.NODE_LLAMA_CPP ?? path.join(repo, ".tools/llama-cpp/node_modules/node-llama-cpp");
if (!fs.existsSync(path.join(packageDir, "package.json"))) {
  console.error(`llama_cpp_eval.mjs: ${packageDir}: node-llama-cpp not found (run benchmarks/compare/install-llama-cpp.sh)`);
  process.exit(2);
}
if (!fs.existsSync(args.model)) { console.error(`llama_cpp_eval.mjs: ${args.model}: file not found`); process.exit(2); }
let spec;
try { spec = JSON.parse(fs.readFileSync(args.windows, "utf8")); }
catch (e) { console.error(`llama_cpp_eval.mjs: ${args.windows}: ${e.message}`); process.exit(2); }
const windows = spec.windows;
const seqLen = spec.seq_len;
const version = createRequire(import.meta.url)(path.join(packageDir, "package.json")).version;
const { getLlama, LlamaLogLevel } = await import(pathToFileURL(path.join(packageDir, "dist/index.js")).href);

const llama = await getLlama({ gpu: false, build: "never", usePrebuiltBinaries: true, logLevel: LlamaLogLevel.error,
  cmakeOptions: {} });
const model = await llama.loadModel({ modelPath: args.model, gpuLayers: 0 });
const context = await model.createContext({ contextSize: seqLen, batchSize: seqLen, sequences: 1, threads: args.threads,
  flashAttention: false });
const sequence = context.getSequence();
const ctx = context._ctx; // the llama.cpp addon context: the calls LlamaContext._decodeTokens makes
const sequenceId = sequence._sequenceId;
const allPositions = Uint32Array.from({ length: seqLen }, (_, i) => i);

async function decodeWindow(ids) {
  ctx.removeTokenCellsFromSequence(sequenceId, 0, seqLen + 1);
  ctx.initBatch(ids.length);
  ctx.addToBatch(sequenceId, 0, Uint32Array.from(ids), allPositions.subarray(0, ids.length));
  await ctx.decodeBatch();
}

await decodeWindow(windows[0]); // warm-up: page in the weights, allocate the compute buffers
const seconds = [];
for (let r = 0; r < args.repeats; r++) {
  const start = process.hrtime.bigint();
  for (const w of windows) await decodeWindow(w);
  seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
}
ctx.removeTokenCellsFromSequence(sequenceId, 0, seqLen + 1);
const best = Math.min(...seconds);
const tokensPerSecond = (windows.length * seqLen) / best;
console.log(`llama.cpp (node-llama-cpp ${version}, ${llama.buildType} build, CPU): threads ${context.currentThreads ?? args.threads}, ` +
  `system info: ${llama.systemInfo ?? "n/a"}`);
console.log(`llama.cpp eval: ${windows.length} windows x ${seqLen} tokens, threads ${args.threads}: best ${best.toFixed(3)} s of ` +
  `[${seconds.map((s) => s.toFixed(3)).join(", ")}], ${tokensPerSecond.toFixed(1)} tokens/s`);

let status = 0;
let worst = null;
let lossSums = null;
if (args.check) {
  lossSums = [];
  let vocabSeen = 0;
  for (const ids of windows) {
    await sequence.clearHistory();
    const input = ids.map((t, i) => (i < ids.length - 1
      ? [t, { generateNext: { probabilities: true, options: { temperature: 1, topK: 0, topP: 1, minP: 0 } } }]
      : t));
    const out = await sequence.controlledEvaluate(input);
    let sum = 0;
    for (let i = 0; i < ids.length - 1; i++) {
      const probabilities = out[i].next.probabilities;
      vocabSeen = Math.max(vocabSeen, probabilities.size);
      const p = probabilities.get(ids[i + 1]);
      if (!(p > 0)) { console.error(`llama_cpp_eval.mjs: no probability for token ${ids[i + 1]} at position ${i}`); process.exit(1); }
      sum -= Math.log(p);
    }
    lossSums.push(sum);
  }
  console.log(`llama.cpp loss sums (from ${vocabSeen}-token distributions): ${lossSums.join(" ")}`);
  const ours = spec.invarlock?.loss_sums;
  if (ours) {
    worst = Math.max(...ours.map((a, i) => Math.abs(a - lossSums[i]) / Math.max(Math.abs(lossSums[i]), 1e-30)));
    const ok = ours.length === lossSums.length && worst <= args.rtol;
    console.log(`loss sums vs InvarLock: max relative difference ${worst.toExponential(3)} (rtol ${args.rtol}): ${ok ? "agree" : "DISAGREE"}`);
    status = ok ? 0 : 1;
  }
}
if (args.json_out) {
  fs.writeFileSync(args.json_out, JSON.stringify({ engine: "llama.cpp", node_llama_cpp: version, model: args.model,
    threads: args.threads, seq_len: seqLen, windows: windows.length, seconds, tokens_per_second: tokensPerSecond,
    loss_sums: lossSums, max_relative_difference: worst }, null, 1));
}
await context.dispose();
await model.dispose();
await llama.dispose();
process.exit(status);
