// endorm on a device against endorm on the CPU, a bare onnxruntime floor and the PyTorch peer, on the same
// RM-Bench-shaped token sequences (see bench-inputs.mjs). Run through `npm run bench -- --device DEVICE`:
//
//   node scripts/bench.mjs --device webgpu|cuda|cpu [--quick] [--models qwen-vocab] [--records N] [--batch-size N]
//                          [--max-batch-tokens N] [--threads N] [--profile] [--skip-peer] [--skip-cpu]
//
// Paths, each in its own process (its memory and device context its own):
//   endorm DEVICE fp32 / fp16   endorm's scoring (scorePairs over the device's scoring graph, prompts shared, batch
//                               sizes from the device table unless given), the fp16 twin written by float16Twin;
//   endorm cpu fp32             the same on the CPU provider, all cores (--threads), Scan head;
//   endorm cpu, GPU head        (with --device cpu only) the gathered head on the CPU: the GPU code path, checked here;
//   floor DEVICE                a bare onnxruntime session on the device over the same graph: every sequence whole, packed
//                               as endorm packs them, feeds built before the clock starts, only the head's outputs read;
//   torch fp32 / bf16           scripts/peer-torch.py (transformers' LlamaForCausalLM from config.json, log-softmax +
//                               gather), on cuda for a GPU device, else on the CPU; it says so when it cannot run.
// tokens/s counts every sequence's prompt + response tokens for every path alike. Scores: each endorm path's
// logsumexp at every scored position is compared with endorm cpu fp32's (largest relative difference), and fp16's
// preferred response of each chosen/rejected comparison (Σ log π over the response) with fp32's.
// --profile: onnxruntime's profile of the endorm DEVICE fp32 run, summarised by operator and provider, with the nodes
// that ran on the CPU provider listed when the device is a GPU.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_DIR, cpuBusySeconds, ensureModel, readConfig, rmBenchInputs, ROOT, scoreBenchInputs, SHARED } from './bench-inputs.mjs';

const SELF = fileURLToPath(import.meta.url);

export async function benchDevice(argv) {
  const a = parseArgs(argv);
  if (a.child) return child(a);
  return main(a);
}

function parseArgs(argv) {
  const a = { threads: os.availableParallelism(), profile: false };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--device') (a.device = v), i++;
    else if (k === '--quick') a.quick = true;
    else if (k === '--models') (a.models = v), i++;
    else if (k === '--records') (a.records = Number(v)), i++;
    else if (k === '--batch-size') (a.batchSize = Number(v)), i++;
    else if (k === '--max-batch-tokens') (a.maxBatchTokens = Number(v)), i++;
    else if (k === '--threads') (a.threads = Number(v)), i++;
    else if (k === '--profile') a.profile = true;
    else if (k === '--skip-peer') a.skipPeer = true;
    else if (k === '--skip-cpu') a.skipCpu = true;
    else if (k === '--child') (a.child = JSON.parse(v)), i++;
    else throw new Error(`unknown option ${k}`);
  }
  a.models ??= a.quick ? 'small-32k' : 'qwen-vocab';
  a.records ??= a.quick ? 1 : 2;
  return a;
}

// ---------------------------------------------------------------------------------------------------------- parent

async function main(a) {
  const started = performance.now();
  const { DEVICES } = await import('../dist/engine/devices.js');
  const device = DEVICES[a.device];
  if (!device) throw new Error(`--device ${a.device}: one of ${Object.keys(DEVICES).join(', ')}`);
  const ortVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')).version;
  console.log(`endorm device bench: --device ${a.device}; ${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, node ${process.version}, onnxruntime-node ${ortVersion}`);
  for (const preset of a.models.split(',')) {
    const modelDir = ensureModel(preset);
    const work = path.join(BENCH_DIR, '.bench-work', `${preset}-device`);
    fs.mkdirSync(work, { recursive: true });
    const config = readConfig(modelDir);
    const inputs = rmBenchInputs(a.records, config.vocab_size);
    const inputsFile = path.join(work, 'inputs.json');
    fs.writeFileSync(inputsFile, JSON.stringify(inputs));
    const tokens = inputs.records.reduce((n, r) => n + r.responses.reduce((m, x) => m + r.prompt.length + x.length, 0), 0);
    const half = ensureFloat16Twin(modelDir, work);
    const batch = { batchSize: a.batchSize ?? device.batchSize, maxBatchTokens: a.maxBatchTokens ?? device.maxBatchTokens };
    console.log(`\n${preset}: ${inputs.records.length} RM-Bench-shaped records (${inputs.records.length * 6} sequences, ${tokens} tokens, ` +
      `longest ${inputs.longest}); --device ${a.device} batches ${batch.batchSize} rows × ${batch.maxBatchTokens} tokens, head ${device.head}`);

    const paths = [
      { id: 'device-fp32', label: `endorm ${a.device} fp32`, kind: 'endorm', device: a.device, dir: modelDir, dtype: 'fp32', ...batch, profile: a.profile },
      { id: 'device-fp16', label: `endorm ${a.device} fp16`, kind: 'endorm', device: a.device, dir: half, dtype: 'fp16', ...batch },
      ...(a.device !== 'cpu' && !a.skipCpu ? [{ id: 'cpu-fp32', label: 'endorm cpu fp32', kind: 'endorm', device: 'cpu', dir: modelDir, dtype: 'fp32' }] : []),
      ...(a.device === 'cpu' ? [{ id: 'cpu-gathered', label: 'endorm cpu fp32, GPU head', kind: 'endorm', device: 'cpu', head: 'gathered', dir: modelDir, dtype: 'fp32' }] : []),
      { id: 'floor', label: `floor ${a.device} fp32`, kind: 'floor', device: a.device, dir: modelDir, ...batch },
    ];
    const results = {};
    for (const p of paths) {
      const before = cpuBusySeconds();
      const wall = performance.now();
      const r = runChild({ ...p, inputs: inputsFile, work, threads: a.threads });
      // CPU other processes took meanwhile, in cores: a shared machine's noise, printed with each figure.
      r.otherCores = Math.max(0, (cpuBusySeconds() - before - (r.cpuSeconds ?? 0)) / ((performance.now() - wall) / 1000));
      if (r.error) {
        console.log(`  ${p.label}: failed: ${r.error}`);
        continue;
      }
      results[p.id] = { ...p, ...r };
      console.log(`  ${p.label.padEnd(28)} ${r.seconds.toFixed(2).padStart(8)} s  ${(tokens / r.seconds).toFixed(0).padStart(8)} tok/s  (load ${r.loadSeconds.toFixed(1)} s, peak RSS ${r.maxRssMiB.toFixed(0)} MiB; other processes ${r.otherCores.toFixed(1)} cores)`);
      if (r.profile) printProfile(r.profile, a.device);
    }
    const peers = a.skipPeer ? [] : runPeer(modelDir, inputsFile, a.device === 'cpu' ? 'cpu' : 'cuda', batch, a.threads);
    for (const p of peers) {
      if (p.skipped) console.log(`  torch peer: not run: ${p.skipped}`);
      else {
        results[`torch-${p.dtype}`] = { label: `torch ${p.device} ${p.dtype}`, seconds: p.seconds, peer: p.peer };
        console.log(`  ${`torch ${p.device} ${p.dtype}`.padEnd(28)} ${p.seconds.toFixed(2).padStart(8)} s  ${(tokens / p.seconds).toFixed(0).padStart(8)} tok/s  (${p.peer})`);
      }
    }
    summarise(results, tokens, a.device, work);
  }
  console.log(`\nbench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** The model's float16 twin, written once beside a link to its other files (the model folder may be read-only). */
function ensureFloat16Twin(modelDir, work) {
  const dir = path.join(work, 'fp16-model');
  const target = path.join(dir, 'onnx', 'model_fp16.onnx');
  const shipped = path.join(modelDir, 'onnx', 'model_fp16.onnx');
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  for (const f of fs.readdirSync(modelDir)) {
    if (f.endsWith('.json') && !fs.existsSync(path.join(dir, f))) fs.symlinkSync(path.resolve(modelDir, f), path.join(dir, f));
  }
  if (fs.existsSync(shipped)) {
    if (!fs.existsSync(target)) fs.symlinkSync(path.resolve(shipped), target);
    return dir;
  }
  if (!fs.existsSync(target)) {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'to-fp16.mjs'), path.join(modelDir, 'onnx', 'model.onnx'), target], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`to-fp16 failed: ${r.stderr}`);
    console.log(`  ${r.stdout.trim()}`);
  }
  return dir;
}

function runChild(spec) {
  const r = spawnSync(process.execPath, [SELF, '--child', JSON.stringify(spec)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, ENDORM_CACHE: path.join(BENCH_DIR, '.cache') },
  });
  const last = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !last?.startsWith('{')) {
    // The error's own line, not only the stack's tail: on the accelerator machine this is all one gets to see.
    const lines = r.stderr.trim().split('\n');
    const message = lines.find((l) => /Error\b|error:/.test(l));
    return { error: `exit ${r.status ?? r.signal}: ${[...(message ? [message] : []), ...lines.slice(-3)].join(' | ')}` };
  }
  return JSON.parse(last);
}

function runPeer(modelDir, inputsFile, device, batch, threads) {
  const args = [path.join(ROOT, 'scripts', 'peer-torch.py'), '--model', modelDir, '--inputs', inputsFile, '--device', device,
    '--batch-size', String(batch.batchSize), '--max-batch-tokens', String(batch.maxBatchTokens), '--threads', String(threads),
    '--fallback-llama', path.join(SHARED, 'tools', 'random-llama')];
  // The first python3 that runs the peer: $ENDORM_PEER_PYTHON, the one on PATH, then Debian's (python3-torch).
  const pythons = [...new Set([process.env.ENDORM_PEER_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean))];
  let lines = [{ skipped: 'no python3 found' }];
  for (const python of pythons) {
    const r = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.error) continue;
    lines = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    if (r.status !== 0) lines.push({ skipped: `peer-torch.py failed (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` });
    if (!lines[0]?.skipped) break;
  }
  return lines;
}

function summarise(results, tokens, device, work) {
  const tps = (id) => (results[id] ? tokens / results[id].seconds : NaN);
  const f = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  console.log(`\n| path | seconds | tokens/s | × endorm cpu fp32 | × floor | × torch fp32 | × torch bf16 |`);
  console.log(`|---|---:|---:|---:|---:|---:|---:|`);
  const cpuId = device === 'cpu' ? 'device-fp32' : 'cpu-fp32';
  for (const [id, r] of Object.entries(results)) {
    console.log(`| ${r.label} | ${r.seconds.toFixed(2)} | ${tps(id).toFixed(0)} | ${f(tps(id) / tps(cpuId))} | ${f(tps(id) / tps('floor'))} | ${f(tps(id) / tps('torch-fp32'))} | ${f(tps(id) / tps('torch-bf16'))} |`);
  }
  // Scores: each endorm path against endorm cpu fp32 (relative difference of logsumexp per position), fp16's winners.
  const reference = results[cpuId] && readScores(work, cpuId);
  for (const id of Object.keys(results).filter((x) => results[x].kind === 'endorm' && x !== cpuId)) {
    const other = readScores(work, id);
    if (!reference || !other) continue;
    let worst = 0;
    let agree = 0;
    let comparisons = 0;
    for (const [key, lse] of Object.entries(reference.lse)) {
      const o = other.lse[key];
      for (let i = 0; i < lse.length; i++) worst = Math.max(worst, Math.abs(o[i] - lse[i]) / Math.max(1, Math.abs(lse[i])));
    }
    for (const [record, sums] of Object.entries(reference.loglik)) {
      const o = other.loglik[record];
      for (let c = 0; c < 3; c++) {
        for (let r = 3; r < 6; r++) {
          comparisons++;
          if (Math.sign(sums[c] - sums[r]) === Math.sign(o[c] - o[r])) agree++;
        }
      }
    }
    console.log(`  ${results[id].label} vs ${results[cpuId].label}: logsumexp within ${worst.toExponential(1)} relative; ` +
      `the same response preferred (Σ log π) in ${agree} of ${comparisons} chosen/rejected comparisons (${((100 * agree) / comparisons).toFixed(1)}%)`);
  }
}

function readScores(work, id) {
  const file = path.join(work, `scores-${id}.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
}

function printProfile(profile, device) {
  console.log(`    onnxruntime profile (${profile.file}): ${profile.totalMs.toFixed(0)} ms of node time in ${profile.events} node runs`);
  for (const [provider, ms] of Object.entries(profile.byProvider)) console.log(`      ${provider.padEnd(28)} ${ms.toFixed(1).padStart(10)} ms  ${((100 * ms) / profile.totalMs).toFixed(1).padStart(5)}%`);
  console.log(`      by operator and provider (top 12):`);
  for (const [key, ms] of profile.byOp.slice(0, 12)) console.log(`        ${key.padEnd(44)} ${ms.toFixed(1).padStart(10)} ms  ${((100 * ms) / profile.totalMs).toFixed(1).padStart(5)}%`);
  if (device !== 'cpu') {
    const heavy = profile.cpuNodes.filter(([, ms]) => ms >= 0.01 * profile.totalMs);
    console.log(heavy.length ? `      heavy nodes on the CPU provider (≥ 1% of node time): ${heavy.map(([n, ms]) => `${n} ${ms.toFixed(1)} ms`).join(', ')}` : `      no node on the CPU provider takes ≥ 1% of node time (${profile.cpuNodes.length} small ones: shapes, indices)`);
  }
  for (const [cat, ms] of Object.entries(profile.otherCategories)) console.log(`      other profile events "${cat}": ${ms.toFixed(1)} ms`);
}

// ----------------------------------------------------------------------------------------------------------- child

async function child(a) {
  const spec = a.child;
  const inputs = JSON.parse(fs.readFileSync(spec.inputs, 'utf8'));
  const t0 = performance.now();
  const result = spec.kind === 'floor' ? await floor(spec, inputs) : await endorm(spec, inputs);
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024, cpuSeconds: (cpu.user + cpu.system) / 1e6, loadSeconds: result.loadSeconds ?? (performance.now() - t0) / 1000, ...result }));
}

async function endorm(spec, inputs) {
  const { loadModel } = await import('../dist/engine/load-model.js');
  const { scorePairs } = await import('../dist/run/score-pairs.js');
  const { responseRequest } = await import('../dist/engine/response-trace.js');
  const t0 = performance.now();
  const profilePrefix = spec.profile ? path.join(spec.work, `profile-${spec.id}`) : undefined;
  const model = await loadModel(spec.dir, { dtype: spec.dtype, device: spec.device, head: spec.head, alphas: [1], threads: spec.threads, profileFilePrefix: profilePrefix });
  const loadSeconds = (performance.now() - t0) / 1000;
  const lse = {};
  const loglik = Object.fromEntries(inputs.records.map((r) => [r.key, new Array(6).fill(0)]));
  const started = performance.now();
  const device = model.session.device;
  await scoreBenchInputs({ scorePairs, responseRequest }, model.session, inputs, {
    batch: { batchSize: spec.batchSize ?? device.batchSize, maxBatchTokens: spec.maxBatchTokens ?? device.maxBatchTokens },
    accept: (record, k, response, res) => {
      lse[`${record.key}/${k}`] = Array.from(res.logSumExp);
      // Σ log π(a_h) over the response (the last position has no token of the response)
      for (let i = 0; i < response.length; i++) loglik[record.key][k] += res.logits[i] - res.logSumExp[i];
    },
  });
  const seconds = (performance.now() - started) / 1000;
  fs.writeFileSync(path.join(spec.work, `scores-${spec.id}.json`), JSON.stringify({ lse, loglik }));
  let profile;
  if (profilePrefix) {
    model.session.endProfiling();
    profile = summariseProfile(latestFile(spec.work, path.basename(profilePrefix)));
  }
  await model.session.release();
  return { loadSeconds, seconds, ...(profile ? { profile } : {}) };
}

/** A bare session over the device's scoring graph: feeds built before the clock starts, one run per batch. */
async function floor(spec, inputs) {
  const ort = (await import('onnxruntime-node')).default;
  const { DEVICES } = await import('../dist/engine/devices.js');
  const { prepareScoringGraph } = await import('../dist/onnx/scoring-graph-cache.js');
  const { SCORING_IO } = await import('../dist/onnx/scoring-io.js');
  const { packBatches } = await import('../dist/engine/batching.js');
  const device = DEVICES[spec.device];
  const t0 = performance.now();
  const graph = await prepareScoringGraph(path.join(spec.dir, 'onnx', 'model.onnx'), undefined, { head: device.head });
  const session = await ort.InferenceSession.create(graph, { executionProviders: [device.executionProvider], intraOpNumThreads: spec.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const loadSeconds = (performance.now() - t0) / 1000;
  const V = readConfig(spec.dir).vocab_size;
  const sequences = inputs.records.flatMap((r) => r.responses.map((resp) => ({ ids: [...r.prompt, ...resp], start: r.prompt.length })));
  const scored = (s) => s.ids.length - s.start + 1;
  // Rows bounded as endorm bounds them: the gathered head's positions per run, the Scan head's chunk.
  const positionsPerRun = Math.floor(device.headElements / (V * 3));
  const chunkSize = Math.max(1, Math.min(1024, Math.floor(device.headElements / V)));
  const batches = packBatches(sequences, (s) => s.ids.length, { batchSize: spec.batchSize, maxBatchTokens: spec.maxBatchTokens }).flatMap((b) => {
    if (device.head === 'scan') return [b];
    const out = [[]];
    let n = 0;
    for (const s of b) {
      if (n + scored(s) > positionsPerRun && out[out.length - 1].length) (out.push([]), (n = 0));
      out[out.length - 1].push(s);
      n += scored(s);
    }
    return out;
  });
  const pasts = session.inputMetadata.filter((m) => m.name.startsWith('past_key_values.'));
  const feeds = batches.map((b) => {
    const B = b.length;
    const S = Math.max(...b.map((s) => s.ids.length));
    const ids = new BigInt64Array(B * S);
    const mask = new BigInt64Array(B * S);
    const pos = new BigInt64Array(B * S);
    const index = [];
    b.forEach((s, r) => {
      s.ids.forEach((id, t) => ((ids[r * S + t] = BigInt(id)), (mask[r * S + t] = 1n), (pos[r * S + t] = BigInt(t))));
      for (let p = s.start - 1; p < s.ids.length; p++) index.push(BigInt(r * S + p));
    });
    const chunks = device.head === 'scan' ? Math.ceil(index.length / chunkSize) : 1;
    const chunk = Math.ceil(index.length / chunks);
    const idx = new BigInt64Array(chunks * chunk);
    idx.set(index);
    const f = {
      input_ids: new ort.Tensor('int64', ids, [B, S]),
      attention_mask: new ort.Tensor('int64', mask, [B, S]),
      position_ids: new ort.Tensor('int64', pos, [B, S]),
      [SCORING_IO.index]: new ort.Tensor('int64', idx, [chunks, 1, chunk]),
      [SCORING_IO.target]: new ort.Tensor('int64', new BigInt64Array(chunks * chunk), [chunks, chunk, 1]),
      [SCORING_IO.invAlpha]: new ort.Tensor('float32', Float32Array.of(1), [1, 1, 1]),
    };
    const pastBatch = device.head === 'gathered' ? 1 : B;
    for (const m of pasts) f[m.name] = new ort.Tensor('float32', new Float32Array(0), [pastBatch, Number(m.shape[1]), 0, Number(m.shape[3])]);
    if (!session.inputNames.includes('position_ids')) delete f.position_ids;
    return f;
  });
  await session.run(feeds[0], [SCORING_IO.logSumExp]); // warm-up: kernels compiled, weights on the device
  const started = performance.now();
  let checksum = 0;
  for (const f of feeds) {
    const out = await session.run(f, [SCORING_IO.logit, SCORING_IO.logSumExp]);
    checksum += out[SCORING_IO.logSumExp].data[0];
  }
  const seconds = (performance.now() - started) / 1000;
  await session.release();
  return { loadSeconds, seconds, runs: feeds.length, checksum };
}

function latestFile(dir, prefix) {
  const files = fs.readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.json'));
  files.sort((x, y) => fs.statSync(path.join(dir, y)).mtimeMs - fs.statSync(path.join(dir, x)).mtimeMs);
  if (!files.length) throw new Error(`no profile file ${prefix}*.json in ${dir}`);
  return path.join(dir, files[0]);
}

/** onnxruntime's profile: node times (cat "Node", "<node>_kernel_time") by provider and operator; other categories by total. */
function summariseProfile(file) {
  const events = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byProvider = {};
  const byOp = new Map();
  const cpuNodes = new Map();
  const otherCategories = {};
  let totalMs = 0;
  let count = 0;
  for (const e of events) {
    const ms = (e.dur ?? 0) / 1000;
    if (e.cat === 'Node' && e.name?.endsWith('_kernel_time')) {
      const provider = e.args?.provider ?? 'unknown';
      const op = e.args?.op_name ?? 'unknown';
      totalMs += ms;
      count++;
      byProvider[provider] = (byProvider[provider] ?? 0) + ms;
      byOp.set(`${op} (${provider})`, (byOp.get(`${op} (${provider})`) ?? 0) + ms);
      if (provider === 'CPUExecutionProvider') {
        const node = `${e.name.replace(/_kernel_time$/, '')} [${op}]`;
        cpuNodes.set(node, (cpuNodes.get(node) ?? 0) + ms);
      }
    } else if (e.cat && e.cat !== 'Session' && e.cat !== 'Node') {
      otherCategories[e.cat] = (otherCategories[e.cat] ?? 0) + ms;
    }
  }
  return {
    file,
    totalMs,
    events: count,
    byProvider,
    byOp: [...byOp].sort((x, y) => y[1] - x[1]),
    cpuNodes: [...cpuNodes].sort((x, y) => y[1] - x[1]),
    otherCategories,
  };
}

if (process.argv[1] === SELF) await benchDevice(process.argv.slice(2));
