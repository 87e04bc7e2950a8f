#!/usr/bin/env node
// endorm against the raw forward pass, on RM-Bench-shaped inputs (run with `npm run bench`, which builds first).
//
//   node scripts/bench.mjs [--quick] [--models bench-32k,qwen-vocab] [--records N] [--records-qwen N] [--rounds N]
//                          [--batch-size 8] [--max-batch-tokens 4096] [--threads N] [--skip-naive]
//                          [--naive-every-round] [--quiet-wait SECONDS] [--chunk-elements N] [--dtypes fp32,q8,q4,q4f16,fp16]
//                          [--only-dtypes] [--max-records N]
//
// For each random Llama from ../shared/tools/random-llama (generated into bench-models/PRESET once, or reused; set
// ENDORM_BENCH_MODELS=DIR to look for DIR/PRESET first) it times, each path in its own process so that its peak RSS is
// its own:
//   (a) floor: bare onnxruntime sessions: the model body to the final hidden states (each sequence alone: no padding),
//       then one MatMul of only the scored positions' hidden states with the output embedding (256 rows per run),
//       reduced in the same session as endorm's head reduces it (f(t) − log softmax(f)(t));
//   (b) naive: the exported graph's full logits into JavaScript (batches packed as endorm packs them), reduced there;
//   (c) endorm (scorePairs over the scoring graph) without prefix sharing; (d) endorm with it.
// Inputs: records spread evenly over the four shared RM-Bench files; each keeps its prompt and its six responses'
// lengths in tokens, approximated as ceil(chars / 4) plus the Llama-3 chat template's tokens (10 around the prompt,
// 1 end-of-turn after each response); ids are random (seeded), the prompt's ids shared by the record's responses.
// tokens/s counts every response's prompt + response tokens, for every path alike. GFLOP/s is the floor's useful work
// (body matmuls and attention over each whole sequence, plus 2·hidden·vocab per scored position) over each path's time;
// the matrix-multiply peak is the best onnxruntime MatMul rate measured in the same run (model-like shapes, once per
// round and model). Memory-hungry steps (graph preparation, the peak) run in child processes too: a child's peak RSS
// starts at its parent's.
// Timing on a shared machine: each path runs --rounds times (default 2, --quick 1) in alternating order and its best
// time is kept (the naive path once, unless --naive-every-round); before each path the bench waits up to --quiet-wait
// seconds (20) for other processes to leave the CPU, and it prints the CPU they took during each run, and each path's
// own CPU time. Then (e): endorm with prefix sharing on each --dtypes layout (default fp32, q8, q4, q4f16, fp16: the
// stand-ins ../shared/tools/onnx-variants/transform.py writes into bench-models/PRESET-dtypes once), timed the same
// way (--only-dtypes: only these), with tokens/s, peak RSS, the file's size and, against fp32, the largest
// log-likelihood difference and how many of RM-Bench's pairs (each chosen response against each rejected one) change
// order. Defaults: 2 records per RM-Bench file on both models (--records, --records-qwen): about 7 minutes on a
// quiet 2-core machine for (a)–(d) (longer while other processes hold the CPU); --quick (1 record per file, one round) about 3.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// The project's seeded generator (npm run bench builds dist/ first): the same sequences as the reports' bootstrap.
import { mulberry32 } from '../dist/util/prng.js';

import {
  BENCH_DIR, BENCH_DTYPES, cpuBusySeconds, dtypeFileBytes, ensureDtypeVariants, ensureModel, rankingFlips, readConfig, rmBenchInputs, ROOT, scoreBenchInputs,
} from './bench-inputs.mjs';

const PATHS = ['floor', 'naive', 'endorm', 'endorm-shared'];
const LABEL = { floor: '(a) floor', naive: '(b) naive', endorm: '(c) endorm', 'endorm-shared': '(d) endorm + sharing' };
const HEAD_ROWS = 256;

if (process.argv.includes('--device')) {
  // endorm on a device against the CPU, a bare onnxruntime floor and PyTorch: see bench-device.mjs
  const { benchDevice } = await import('./bench-device.mjs');
  await benchDevice(process.argv.slice(2));
  process.exit(0);
}
const args = parseArgs(process.argv.slice(2));
if (args.child === 'matmul-peak') {
  const ort = (await import('onnxruntime-node')).default;
  console.log(JSON.stringify(await matmulPeak(ort, args.threads)));
  process.exit(0);
}
if (args.child === 'prepare') {
  console.log(JSON.stringify(await prepareGraphs(args.modelDir, args.work)));
  process.exit(0);
}
if (args.child) {
  await child(args);
  process.exit(0);
}
await main(args);

function parseArgs(argv) {
  const a = { models: 'bench-32k,qwen-vocab', batchSize: 8, maxBatchTokens: 4096, threads: os.availableParallelism() };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--quick') a.quick = true;
    else if (k === '--skip-naive') a.skipNaive = true;
    else if (k === '--only-dtypes') a.onlyDtypes = true;
    else if (k === '--max-records') (a.maxRecords = Number(v)), i++;
    else if (k === '--models') (a.models = v), i++;
    else if (k === '--records') (a.records = Number(v)), i++;
    else if (k === '--records-qwen') (a.recordsQwen = Number(v)), i++;
    else if (k === '--batch-size') (a.batchSize = Number(v)), i++;
    else if (k === '--max-batch-tokens') (a.maxBatchTokens = Number(v)), i++;
    else if (k === '--threads') (a.threads = Number(v)), i++;
    else if (k === '--rounds') (a.rounds = Number(v)), i++;
    else if (k === '--naive-every-round') a.naiveEveryRound = true;
    else if (k === '--quiet-wait') (a.quietWait = Number(v)), i++;
    else if (k === '--chunk-elements') (a.chunkElements = Number(v)), i++;
    else if (k === '--dtypes') (a.dtypes = v), i++;
    else if (k === '--dtype') (a.dtype = v), i++;
    else if (k === '--child') (a.child = v), (a.modelDir = argv[i + 2]), (a.inputs = argv[i + 3]), (a.work = argv[i + 4]), (i += 4);
    else if (k === '--matmul-peak') (a.child = 'matmul-peak'), (a.threads = Number(v)), i++;
    else if (k === '--prepare') (a.child = 'prepare'), (a.modelDir = v), (a.work = argv[i + 2]), (i += 2);
    else throw new Error(`unknown option ${k}`);
  }
  // Records per RM-Bench file: 4 × this many records, 6 responses each. --quick: 1 per file on both models, one round.
  a.records ??= a.quick ? 1 : 2;
  a.recordsQwen ??= a.quick ? 1 : 2;
  a.rounds ??= a.quick ? 1 : 2;
  // Seconds to wait, before each path, for other processes to leave the CPU (a shared machine).
  a.quietWait ??= 20;
  a.dtypes ??= BENCH_DTYPES.join(',');
  const unknown = a.dtypes.split(',').filter((d) => !BENCH_DTYPES.includes(d));
  if (unknown.length) throw new Error(`--dtypes: unknown ${unknown.join(', ')} (known: ${BENCH_DTYPES.join(', ')})`);
  return a;
}

// ---------------------------------------------------------------------------------------------------------- parent

async function main(a) {
  const started = performance.now();
  const ortVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')).version;
  console.log(`endorm bench: ${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ` +
    `node ${process.version}, onnxruntime-node ${ortVersion}; ${a.threads} threads; ${a.rounds} round(s) per model, best time kept`);
  const peak = { gflops: 0, count: 0 };
  // Everything that takes memory runs in a child process: a child's peak RSS starts at its parent's (getrusage's
  // maxrss survives fork and exec), so the parent stays small.
  const measurePeak = async () => {
    const p = runJsonChild(['--matmul-peak', String(a.threads)]);
    peak.count++;
    if (p.gflops > peak.gflops) Object.assign(peak, p);
  };
  if (!a.onlyDtypes) await measurePeak();
  const rows = [];
  const dtypeRows = [];
  for (const preset of a.models.split(',')) {
    const modelDir = ensureModel(preset);
    const records = preset === 'qwen-vocab' ? a.recordsQwen : a.records;
    const work = path.join(BENCH_DIR, '.bench-work', preset);
    fs.mkdirSync(work, { recursive: true });
    const inputs = rmBenchInputs(records, readConfig(modelDir).vocab_size);
    // --max-records: the first N records only (a short run on a busy machine).
    if (a.maxRecords) inputs.records = inputs.records.slice(0, a.maxRecords);
    const inputsFile = path.join(work, 'inputs.json');
    fs.writeFileSync(inputsFile, JSON.stringify(inputs));
    // --only-dtypes times no floor: its body and head graphs are not needed.
    const prep = a.onlyDtypes ? { bytes: dtypeFileBytes(modelDir, 'fp32') } : runJsonChild(['--prepare', modelDir, work]);
    const config = readConfig(modelDir);
    const flops = usefulFlops(config, inputs);
    const tokens = inputs.records.reduce((n, r) => n + r.responses.reduce((m, x) => m + r.prompt.length + x.length, 0), 0);
    const seqs = inputs.records.length * 6;
    console.log(`\n${preset}: ${(prep.bytes / 2 ** 20).toFixed(0)} MiB of weights; ${inputs.records.length} RM-Bench-shaped records ` +
      `(${seqs} sequences, ${tokens} tokens, longest ${inputs.longest}); useful work ${(flops / 1e12).toFixed(2)} TFLOP`);
    const results = {};
    const perRound = [];
    const paths = a.onlyDtypes ? [] : PATHS.filter((p) => !(p === 'naive' && a.skipNaive));
    for (let round = 0; round < a.rounds; round++) {
      if (round > 0 && !a.onlyDtypes) await measurePeak();
      // Alternate the order so that a slow spell of a shared machine does not always hit the same path.
      for (const p of round % 2 ? [...paths].reverse() : paths) {
        if (p === 'naive' && round > 0 && !a.naiveEveryRound) continue;
        const childArgs = ['--child', p, modelDir, inputsFile, work, '--batch-size', String(a.batchSize),
          '--max-batch-tokens', String(a.maxBatchTokens), '--threads', String(a.threads)];
        if (a.chunkElements) childArgs.push('--chunk-elements', String(a.chunkElements));
        const waited = await waitForQuiet(a.quietWait);
        const before = cpuBusySeconds();
        const wall0 = performance.now();
        const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...childArgs],
          { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ENDORM_CACHE: path.join(BENCH_DIR, '.cache') } });
        const last = r.stdout.trim().split('\n').pop();
        if (r.status !== 0 || !last?.startsWith('{')) {
          console.log(`  ${LABEL[p]}: failed (${r.status}): ${r.stderr.trim().split('\n').slice(-6).join(' | ')}`);
          continue;
        }
        const x = JSON.parse(last);
        (perRound[round] ??= {})[p] = x;
        // CPU that other processes took while this path ran (in cores): a shared machine's noise, shown per run.
        x.otherCores = Math.max(0, (cpuBusySeconds() - before - x.cpuSeconds) / ((performance.now() - wall0) / 1000));
        if (!results[p] || x.seconds < results[p].seconds) results[p] = { ...x, maxRssMiB: Math.max(x.maxRssMiB, results[p]?.maxRssMiB ?? 0) };
        else results[p].maxRssMiB = Math.max(results[p].maxRssMiB, x.maxRssMiB);
        console.log(`  round ${round + 1} ${LABEL[p].padEnd(22)} ${x.seconds.toFixed(1).padStart(7)} s  ${(tokens / x.seconds).toFixed(0).padStart(6)} tok/s  ` +
          `peak RSS ${x.maxRssMiB.toFixed(0).padStart(6)} MiB  ${(flops / x.seconds / 1e9).toFixed(1).padStart(6)} GFLOP/s  ${x.timedCpuSeconds.toFixed(1).padStart(6)} CPU-s  (load ${x.loadSeconds.toFixed(1)} s; other processes ${x.otherCores.toFixed(1)} cores${waited ? `, waited ${waited.toFixed(0)} s for them` : ''})`);
      }
    }
    rows.push({ preset, tokens, flops, results, perRound, bytes: prep.bytes, sharedFlops: sharedSavedFlops(config, inputs) });
    const dtypes = a.dtypes.split(',');
    if (dtypes.length > 1 || dtypes[0] !== 'fp32') dtypeRows.push(await benchDtypes(a, preset, modelDir, dtypes, inputsFile, work, tokens, inputs.records.length));
  }
  if (a.onlyDtypes) {
    printDtypes(dtypeRows);
    console.log(`\nbench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return;
  }
  console.log(`\n| model | path | seconds | tokens/s | CPU-s | peak RSS MiB | GFLOP/s | % of matmul peak | other processes (cores) |`);
  console.log(`|---|---|---:|---:|---:|---:|---:|---:|---:|`);
  for (const { preset, tokens, flops, results } of rows) {
    for (const p of PATHS) {
      const x = results[p];
      if (!x) continue;
      const g = flops / x.seconds / 1e9;
      console.log(`| ${preset} | ${LABEL[p]} | ${x.seconds.toFixed(1)} | ${(tokens / x.seconds).toFixed(0)} | ${x.timedCpuSeconds.toFixed(1)} | ${x.maxRssMiB.toFixed(0)} | ${g.toFixed(1)} | ${((100 * g) / peak.gflops).toFixed(0)}% | ${x.otherCores.toFixed(1)} |`);
    }
  }
  console.log(`\nmatmul peak ${peak.gflops.toFixed(1)} GFLOP/s (${peak.shape}, best of 4 shapes × ${peak.count} measurements × ${peak.runs} runs). Ratios of tokens/s (targets from issue 7):`);
  for (const { preset, results: r, flops, sharedFlops, perRound } of rows) {
    const tps = (p) => (r[p] ? 1 / r[p].seconds : NaN);
    const f = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
    const naiveTarget = preset === 'qwen-vocab' ? 1.5 : 1.8;
    const shared = r['endorm-shared'];
    const saved = shared ? shared.savedTokens / shared.tokens : NaN;
    const drop = r.endorm && shared ? 1 - shared.seconds / r.endorm.seconds : NaN;
    console.log(`  ${preset}: (c)/(a) ${f(tps('endorm') / tps('floor'))} [≥ 0.9]   (d)/(a) ${f(tps('endorm-shared') / tps('floor'))}   ` +
      `(c)/(b) ${f(tps('endorm') / tps('naive'))} [≥ ${naiveTarget}]`);
    console.log(`    sharing: ${(100 * saved).toFixed(1)}% of tokens saved (${shared?.savedTokens} of ${shared?.tokens}), wall time −${(100 * drop).toFixed(1)}%: ` +
      `${f(drop / saved)} × the share saved [≥ 0.8]; the saved tokens are ${pct(sharedFlops / flops)} of the useful FLOPs ` +
      `(prompt tokens cost no vocabulary product); padding overhead (c) ${pct(r.endorm?.paddingOverhead)}, (d) ${pct(shared?.paddingOverhead)}`);
    const cpu = (p) => (r[p] ? 1 / r[p].timedCpuSeconds : NaN);
    console.log(`    by CPU time (less sensitive to other processes): (c)/(a) ${f(cpu('endorm') / cpu('floor'))}   (d)/(a) ${f(cpu('endorm-shared') / cpu('floor'))}   ` +
      `(c)/(b) ${f(cpu('endorm') / cpu('naive'))}   sharing −${(100 * (1 - r['endorm-shared']?.timedCpuSeconds / r.endorm?.timedCpuSeconds)).toFixed(1)}%`);
    const rounds = perRound.map((q, i) => {
      const ratio = (x, y) => (q[x] && q[y] ? f(q[y].seconds / q[x].seconds) : 'n/a');
      const drop = q.endorm && q['endorm-shared'] ? `${(100 * (1 - q['endorm-shared'].seconds / q.endorm.seconds)).toFixed(1)}%` : 'n/a';
      return `round ${i + 1}: (c)/(a) ${ratio('endorm', 'floor')}, (d)/(a) ${ratio('endorm-shared', 'floor')}, sharing −${drop}`;
    });
    console.log(`    within each round (paths run back to back): ${rounds.join('; ')}`);
    const sums = PATHS.filter((p) => r[p]).map((p) => `${p} ${r[p].checksum.toFixed(3)}`);
    console.log(`    check: Σ logsumexp over scored positions: ${sums.join(', ')}`);
  }
  if (dtypeRows.length) printDtypes(dtypeRows);
  console.log(`\nbench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** (e): endorm with prefix sharing on each layout of the model, in alternating order per round, best time kept. */
async function benchDtypes(a, preset, modelDir, dtypes, inputsFile, work, tokens, records) {
  const dir = ensureDtypeVariants(modelDir, dtypes);
  for (const dtype of dtypes) runJsonChild(['--child', 'prepare-dtype', dir, inputsFile, work, '--dtype', dtype]);
  const best = {};
  for (let round = 0; round < a.rounds; round++) {
    for (const dtype of round % 2 ? [...dtypes].reverse() : dtypes) {
      const waited = await waitForQuiet(a.quietWait);
      const before = cpuBusySeconds();
      const wall0 = performance.now();
      const x = runJsonChild(['--child', 'dtype', dir, inputsFile, work, '--dtype', dtype, '--batch-size', String(a.batchSize),
        '--max-batch-tokens', String(a.maxBatchTokens), '--threads', String(a.threads)]);
      x.otherCores = Math.max(0, (cpuBusySeconds() - before - x.cpuSeconds) / ((performance.now() - wall0) / 1000));
      console.log(`  round ${round + 1} (e) ${preset} ${dtype.padEnd(6)} ${x.seconds.toFixed(1).padStart(7)} s  ${(tokens / x.seconds).toFixed(0).padStart(6)} tok/s  ` +
        `peak RSS ${x.maxRssMiB.toFixed(0).padStart(6)} MiB  ${x.timedCpuSeconds.toFixed(1).padStart(6)} CPU-s  (load ${x.loadSeconds.toFixed(1)} s; other processes ${x.otherCores.toFixed(1)} cores${waited ? `, waited ${waited.toFixed(0)} s` : ''})`);
      if (!best[dtype] || x.seconds < best[dtype].seconds) best[dtype] = { ...x, maxRssMiB: Math.max(x.maxRssMiB, best[dtype]?.maxRssMiB ?? 0) };
      else best[dtype].maxRssMiB = Math.max(best[dtype].maxRssMiB, x.maxRssMiB);
    }
  }
  for (const dtype of dtypes) best[dtype].fileMiB = dtypeFileBytes(dir, dtype) / 2 ** 20;
  return { preset, tokens, records, best };
}

function printDtypes(dtypeRows) {
  // On a shared machine CPU-s (this process's CPU time while scoring) is steadier than wall time; with one thread
  // (--threads 1) it is also free of the thread pool's spinning.
  console.log(`\n(e) endorm with prefix sharing by ONNX layout (--dtype); × fp32 = tokens/s (or CPU time) over fp32's; rankings: RM-Bench pairs ordered differently from fp32`);
  console.log(`| model | dtype | file MiB | seconds | tokens/s | × fp32 | CPU-s | × fp32 by CPU-s | peak RSS MiB | max abs Δ loglik vs fp32 | pair rankings differing | other processes (cores) |`);
  console.log(`|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`);
  for (const { preset, tokens, records, best } of dtypeRows) {
    const fp32 = best.fp32;
    for (const [dtype, x] of Object.entries(best)) {
      const flips = fp32 && dtype !== 'fp32' ? rankingFlips(fp32.logliks, x.logliks, records) : undefined;
      console.log(`| ${preset} | ${dtype} | ${x.fileMiB.toFixed(0)} | ${x.seconds.toFixed(1)} | ${(tokens / x.seconds).toFixed(0)} | ${fp32 ? (fp32.seconds / x.seconds).toFixed(2) : 'n/a'} | ` +
        `${x.timedCpuSeconds.toFixed(1)} | ${fp32 ? (fp32.timedCpuSeconds / x.timedCpuSeconds).toFixed(2) : 'n/a'} | ${x.maxRssMiB.toFixed(0)} | ${flips ? flips.worst.toFixed(3) : '–'} | ${flips ? `${flips.flips} of ${flips.pairs}` : '–'} | ${x.otherCores.toFixed(1)} |`);
    }
  }
}

function runJsonChild(childArgs) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...childArgs], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, ENDORM_CACHE: path.join(BENCH_DIR, '.cache') },
  });
  const last = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !last?.startsWith('{')) throw new Error(`${childArgs[0]} failed (${r.status}): ${r.stderr.trim().split('\n').slice(-6).join(' | ')}`);
  return JSON.parse(last);
}

async function waitForQuiet(limitSeconds) {
  const started = performance.now();
  while ((performance.now() - started) / 1000 < limitSeconds) {
    const before = cpuBusySeconds();
    await new Promise((r) => setTimeout(r, 1000));
    if (cpuBusySeconds() - before < 0.3) break;
  }
  const waited = (performance.now() - started) / 1000;
  return waited > 1.5 ? waited : 0;
}

function pct(x) {
  return x === undefined ? 'n/a' : `${(100 * x).toFixed(1)}%`;
}

/** Floor's work: per token the body's matmuls, causal attention (QKᵀ and AV), per scored position the vocab product. */
function usefulFlops(c, inputs) {
  const h = c.hidden_size, H = c.num_attention_heads, KV = c.num_key_value_heads ?? H, D = c.head_dim ?? h / H;
  const perToken = 2 * c.num_hidden_layers * (h * H * D + 2 * h * KV * D + H * D * h + 3 * h * c.intermediate_size);
  let flops = 0;
  for (const r of inputs.records) {
    for (const resp of r.responses) {
      const S = r.prompt.length + resp.length;
      flops += S * perToken + c.num_hidden_layers * 4 * H * D * ((S * (S + 1)) / 2) + 2 * h * c.vocab_size * (resp.length + 1);
    }
  }
  return flops;
}

/** FLOPs that prefix sharing does not repeat: the body over each record's prompt less its last token, 5 of 6 times. */
function sharedSavedFlops(c, inputs) {
  const h = c.hidden_size, H = c.num_attention_heads, KV = c.num_key_value_heads ?? H, D = c.head_dim ?? h / H;
  const perToken = 2 * c.num_hidden_layers * (h * H * D + 2 * h * KV * D + H * D * h + 3 * h * c.intermediate_size);
  let flops = 0;
  for (const r of inputs.records) {
    const L = r.prompt.length - 1;
    flops += (r.responses.length - 1) * (L * perToken + c.num_hidden_layers * 4 * H * D * ((L * (L + 1)) / 2));
  }
  return flops;
}

/**
 * Best MatMul throughput of onnxruntime on this machine, over shapes like the models' (a square-ish block, Qwen's MLP
 * up-projection, the two LM heads), each with a constant (prepacked) B, best of 5 runs each.
 */
async function matmulPeak(ort, threads) {
  const { onnx } = await import('../dist/onnx/onnx-proto.js');
  const rand = mulberry32(1);
  let best = { gflops: 0 };
  for (const [M, K, N] of [[2048, 1024, 4096], [1024, 896, 4864], [512, 512, 32000], [256, 896, 151936]]) {
    const b = Float32Array.from({ length: K * N }, () => rand() - 0.5);
    const model = {
      irVersion: 8,
      opsetImport: [{ domain: '', version: 14 }],
      graph: {
        name: 'matmul',
        node: [{ opType: 'MatMul', input: ['A', 'B'], output: ['C'], name: 'mm' }],
        initializer: [{ name: 'B', dims: [K, N], dataType: 1, rawData: new Uint8Array(b.buffer) }],
        input: [{ name: 'A', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: M }, { dimValue: K }] } } } }],
        output: [{ name: 'C', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: M }, { dimValue: N }] } } } }],
      },
    };
    const bytes = onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    const a = new ort.Tensor('float32', Float32Array.from({ length: M * K }, () => rand() - 0.5), [M, K]);
    await session.run({ A: a });
    let seconds = Infinity;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await session.run({ A: a });
      seconds = Math.min(seconds, (performance.now() - t) / 1000);
    }
    await session.release();
    const gflops = (2 * M * K * N) / seconds / 1e9;
    if (gflops > best.gflops) best = { gflops, shape: `[${M},${K}]×[${K},${N}]`, runs: 5 };
  }
  return best;
}

/** The endorm scoring graph (cached), and for the floor: the body to final hidden states and the projection alone. */
async function prepareGraphs(modelDir, work) {
  const source = path.join(modelDir, 'onnx', 'model.onnx');
  let bytes = fs.statSync(source).size;
  for (const f of fs.readdirSync(path.dirname(source))) if (f.startsWith('model.onnx_data')) bytes += fs.statSync(path.join(path.dirname(source), f)).size;
  process.env.ENDORM_CACHE = path.join(BENCH_DIR, '.cache');
  const { prepareScoringGraph } = await import('../dist/onnx/scoring-graph-cache.js');
  await prepareScoringGraph(source);
  const bodyPath = path.join(work, 'body.onnx');
  const headPath = path.join(work, 'head.onnx');
  const stamp = path.join(work, 'graphs.stamp');
  const key = `${fs.statSync(source).mtimeMs}:${fs.statSync(source).size}`;
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === key) return { bytes };
  const { onnx } = await import('../dist/onnx/onnx-proto.js');
  const { findVocabProjection } = await import('../dist/onnx/find-vocab-projection.js');
  if (fs.readdirSync(path.dirname(source)).some((f) => f.startsWith('model.onnx_data'))) {
    throw new Error('the bench expects random-llama models with inline weights');
  }
  const model = onnx.ModelProto.decode(fs.readFileSync(source));
  const g = model.graph;
  const projection = findVocabProjection(g);
  const moved = new Set(projection.nodes);
  const used = new Set(projection.nodes.flatMap((n) => n.input));
  // Body: everything but the projection; its one output is the final hidden states (no logits, no cache outputs).
  const body = {
    ...model,
    graph: {
      ...g,
      node: g.node.filter((n) => !moved.has(n)),
      initializer: g.initializer.filter((t) => !used.has(t.name) || g.node.some((n) => !moved.has(n) && n.input.includes(t.name))),
      output: [{ name: projection.hidden, type: { tensorType: { elemType: projection.hiddenType } } }],
      valueInfo: [],
    },
  };
  await writeExternal(onnx, body, bodyPath);
  // Head: the projection nodes on [1, rows, hidden], then logsumexp over the vocabulary the way endorm's head takes it
  // (f(t) − log softmax(f)(t): onnxruntime's fastest reduction here), for one target per row.
  const I = (name, elemType, dim) => ({ name, type: { tensorType: { elemType, shape: { dim } } } });
  const head = {
    ...model,
    graph: {
      name: 'floor_head',
      node: [
        ...projection.nodes,
        { opType: 'LogSoftmax', input: ['logits'], output: ['log_pi_all'], attribute: [{ name: 'axis', type: 2, i: -1 }], name: 'log_softmax' },
        { opType: 'GatherElements', input: ['logits', 'target'], output: ['chosen'], attribute: [{ name: 'axis', type: 2, i: 2 }], name: 'chosen' },
        { opType: 'GatherElements', input: ['log_pi_all', 'target'], output: ['log_pi'], attribute: [{ name: 'axis', type: 2, i: 2 }], name: 'log_pi' },
        { opType: 'Sub', input: ['chosen', 'log_pi'], output: ['lse'], name: 'lse' },
      ],
      initializer: g.initializer.filter((t) => used.has(t.name)),
      input: [
        I(projection.hidden, projection.hiddenType, [{ dimValue: 1 }, { dimParam: 'rows' }, { dimValue: readConfig(modelDir).hidden_size }]),
        I('target', 7, [{ dimValue: 1 }, { dimParam: 'rows' }, { dimValue: 1 }]),
      ],
      output: [{ name: 'lse', type: { tensorType: { elemType: 1 } } }, { name: 'chosen', type: { tensorType: { elemType: 1 } } }],
    },
  };
  await writeExternal(onnx, head, headPath);
  fs.writeFileSync(stamp, key);
  return { bytes };
}

/** Writes a model with its large initializers in an aligned external file, as endorm's graph cache does. */
async function writeExternal(onnx, model, file) {
  const { moveInitializersToFile } = await import('../dist/onnx/external-data.js');
  // The body and the head may share initializer objects (tied embeddings): each file gets its own copies.
  model.graph.initializer = model.graph.initializer.map((t) => ({ ...t }));
  await moveInitializersToFile(model, path.dirname(file), `${path.basename(file)}.data`, { alignment: 1 << 16 });
  fs.writeFileSync(file, onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish());
}

// ----------------------------------------------------------------------------------------------------------- child

async function child(a) {
  const ort = (await import('onnxruntime-node')).default;
  const inputs = JSON.parse(fs.readFileSync(a.inputs, 'utf8'));
  const config = readConfig(a.modelDir);
  const sequences = inputs.records.flatMap((r) => r.responses.map((resp) => ({ ids: [...r.prompt, ...resp], start: r.prompt.length })));
  const sessionOptions = { intraOpNumThreads: a.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
  const t0 = performance.now();
  let cpuAtLoad;
  const markLoaded = () => {
    cpuAtLoad = process.cpuUsage();
    return performance.now();
  };
  let result;
  if (a.child === 'prepare-dtype') {
    // The scoring graph of this layout, written once into the bench's cache before any timing.
    const { loadModel } = await import('../dist/engine/load-model.js');
    const model = await loadModel(a.modelDir, { dtype: a.dtype, alphas: [1], threads: 1 });
    await model.session.release();
    result = { loadSeconds: 0, seconds: 0 };
  } else if (a.child === 'dtype') {
    const { loadModel } = await import('../dist/engine/load-model.js');
    const { scorePairs } = await import('../dist/run/score-pairs.js');
    const { responseRequest } = await import('../dist/engine/response-trace.js');
    const model = await loadModel(a.modelDir, { dtype: a.dtype, alphas: [1], threads: a.threads, chunkElements: a.chunkElements });
    const loaded = markLoaded();
    const index = new Map(inputs.records.map((r, i) => [r.key, i]));
    const logliks = new Array(inputs.records.length * 6).fill(NaN);
    await scoreBenchInputs({ scorePairs, responseRequest }, model.session, inputs, {
      batch: { batchSize: a.batchSize, maxBatchTokens: a.maxBatchTokens },
      accept: (record, k, response, res) => {
        let sum = 0;
        for (let i = 0; i < response.length; i++) sum += res.logits[i] - res.logSumExp[i];
        logliks[index.get(record.key) * 6 + k] = sum;
      },
    });
    result = { loadSeconds: (loaded - t0) / 1000, seconds: (performance.now() - loaded) / 1000, logliks };
    await model.session.release();
  } else if (a.child === 'floor') {
    const body = await ort.InferenceSession.create(path.join(a.work, 'body.onnx'), sessionOptions);
    const head = await ort.InferenceSession.create(path.join(a.work, 'head.onnx'), sessionOptions);
    const loaded = markLoaded();
    const h = config.hidden_size;
    const rows = new Float32Array(HEAD_ROWS * h);
    const targets = new BigInt64Array(HEAD_ROWS);
    let filled = 0;
    let checksum = 0;
    const hiddenName = head.inputNames.find((n) => n !== 'target');
    let headSeconds = 0;
    const flush = async () => {
      if (!filled) return;
      const th = performance.now();
      const out = await head.run({
        [hiddenName]: new ort.Tensor('float32', rows.slice(0, filled * h), [1, filled, h]),
        target: new ort.Tensor('int64', targets.slice(0, filled), [1, filled, 1]),
      });
      for (const x of out.lse.data) checksum += x;
      filled = 0;
      headSeconds += (performance.now() - th) / 1000;
    };
    for (const s of sequences) {
      const out = await body.run(bodyFeeds(ort, body, [s.ids], s.ids.length));
      const hidden = out[body.outputNames[0]].data;
      for (let p = s.start - 1; p < s.ids.length; p++) {
        rows.set(hidden.subarray(p * h, (p + 1) * h), filled * h);
        targets[filled] = BigInt(p + 1 < s.ids.length ? s.ids[p + 1] : 0);
        if (++filled === HEAD_ROWS) await flush();
      }
    }
    await flush();
    result = { loadSeconds: (loaded - t0) / 1000, seconds: (performance.now() - loaded) / 1000, checksum, headSeconds };
  } else if (a.child === 'naive') {
    const { packBatches } = await import('../dist/engine/batching.js');
    const session = await ort.InferenceSession.create(path.join(a.modelDir, 'onnx', 'model.onnx'), sessionOptions);
    const loaded = markLoaded();
    const V = config.vocab_size;
    let checksum = 0;
    for (const batch of packBatches(sequences, (s) => s.ids.length, { batchSize: a.batchSize, maxBatchTokens: a.maxBatchTokens })) {
      const seq = Math.max(...batch.map((s) => s.ids.length));
      const out = await session.run(bodyFeeds(ort, session, batch.map((s) => s.ids), seq));
      const logits = out.logits.data;
      batch.forEach((s, b) => {
        for (let p = s.start - 1; p < s.ids.length; p++) {
          const row = (b * seq + p) * V;
          let max = -Infinity;
          for (let v = 0; v < V; v++) if (logits[row + v] > max) max = logits[row + v];
          let sum = 0;
          for (let v = 0; v < V; v++) sum += Math.exp(logits[row + v] - max);
          const chosen = p + 1 < s.ids.length ? logits[row + s.ids[p + 1]] : 0;
          checksum += max + Math.log(sum) + 0 * chosen;
        }
      });
    }
    result = { loadSeconds: (loaded - t0) / 1000, seconds: (performance.now() - loaded) / 1000, checksum };
  } else {
    const { loadModel } = await import('../dist/engine/load-model.js');
    const { scorePairs } = await import('../dist/run/score-pairs.js');
    const { responseRequest } = await import('../dist/engine/response-trace.js');
    const model = await loadModel(a.modelDir, { dtype: 'fp32', alphas: [1], threads: a.threads, chunkElements: a.chunkElements });
    const loaded = markLoaded();
    let checksum = 0;
    const progress = await scoreBenchInputs({ scorePairs, responseRequest }, model.session, inputs, {
      batch: { batchSize: a.batchSize, maxBatchTokens: a.maxBatchTokens },
      prefixSharing: a.child === 'endorm-shared',
      accept: (_record, _k, _response, res) => {
        for (const x of res.logSumExp) checksum += x;
      },
    });
    result = {
      loadSeconds: (loaded - t0) / 1000,
      seconds: (performance.now() - loaded) / 1000,
      checksum,
      tokens: progress.tokens,
      savedTokens: progress.savedTokens ?? 0,
      paddingOverhead: progress.paddedTokens / (progress.computedTokens ?? progress.tokens) - 1,
    };
    await model.session.release();
  }
  const cpu = process.cpuUsage();
  const timed = process.cpuUsage(cpuAtLoad);
  console.log(JSON.stringify({
    path: a.child,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    timedCpuSeconds: (timed.user + timed.system) / 1e6,
    ...result,
  }));
}

/** Right-padded feeds for an exported (or body) graph with an empty cache. */
function bodyFeeds(ort, session, rows, seq) {
  const B = rows.length;
  const ids = new BigInt64Array(B * seq);
  const mask = new BigInt64Array(B * seq);
  const pos = new BigInt64Array(B * seq);
  rows.forEach((r, b) => {
    for (let t = 0; t < r.length; t++) {
      ids[b * seq + t] = BigInt(r[t]);
      mask[b * seq + t] = 1n;
      pos[b * seq + t] = BigInt(t);
    }
  });
  const feeds = {
    input_ids: new ort.Tensor('int64', ids, [B, seq]),
    attention_mask: new ort.Tensor('int64', mask, [B, seq]),
  };
  if (session.inputNames.includes('position_ids')) feeds.position_ids = new ort.Tensor('int64', pos, [B, seq]);
  for (const m of session.inputMetadata) {
    if (m.name.startsWith('past_key_values.')) feeds[m.name] = new ort.Tensor('float32', new Float32Array(0), [B, Number(m.shape[1]), 0, Number(m.shape[3])]);
  }
  return feeds;
}
