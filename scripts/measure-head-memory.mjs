#!/usr/bin/env node
// Peak memory of scoring one batch with endorm's scoring head against the exported graph's full logits.
// Usage: node scripts/measure-head-memory.mjs MODEL_DIR [BATCH=8] [SEQ=1024]
// Each path runs in its own process so that its peak RSS (maxRSS) is its own.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';

const [, script, modelDir, batchArg = '8', seqArg = '1024', mode] = process.argv;
if (!modelDir) {
  console.error('usage: node scripts/measure-head-memory.mjs MODEL_DIR [BATCH] [SEQ]');
  process.exit(2);
}
const batch = Number(batchArg);
const seq = Number(seqArg);

if (!mode) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const onnxFile = path.join(modelDir, 'onnx', 'model.onnx');
  const size = fs.statSync(onnxFile).size + (fs.existsSync(`${onnxFile}_data`) ? fs.statSync(`${onnxFile}_data`).size : 0);
  console.log(`model ${modelDir}: ${(size / 2 ** 20).toFixed(0)} MiB of weights; batch ${batch} x ${seq} tokens`);
  const rows = {};
  for (const m of ['baseline', 'head', 'full']) {
    const r = spawnSync(process.execPath, [script, modelDir, batchArg, seqArg, m], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`${m}: failed (${r.status}) ${r.stderr.split('\n').slice(-5).join(' ')}`);
      continue;
    }
    rows[m] = JSON.parse(r.stdout.trim().split('\n').pop());
    console.log(`${m.padEnd(8)} peak RSS ${(rows[m].maxRssMiB).toFixed(0).padStart(6)} MiB   run ${rows[m].seconds.toFixed(2)} s`);
  }
  if (rows.head && rows.full && rows.baseline) {
    console.log(`above session load: head ${(rows.head.maxRssMiB - rows.baseline.maxRssMiB).toFixed(0)} MiB, full logits ${(rows.full.maxRssMiB - rows.baseline.maxRssMiB).toFixed(0)} MiB`);
  }
  process.exit(0);
}

const ort = (await import('onnxruntime-node')).default;
const { prepareScoringGraph } = await import('../dist/onnx/scoring-graph-cache.js');
const { ScoringSession } = await import('../dist/engine/scoring-session.js');
const config = JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8'));
const V = config.vocab_size;
const ids = Array.from({ length: seq }, (_, i) => 1 + ((i * 7919) % (V - 2)));
const t0 = performance.now();
if (mode === 'head' || mode === 'baseline') {
  const graph = await prepareScoringGraph(path.join(modelDir, 'onnx', 'model.onnx'));
  // The engine's settings, as loadModel passes them (attention heads: runs split into row groups under its budget).
  const session = await ScoringSession.create(graph, { alphas: [1], vocabSize: V, attentionHeads: config.num_attention_heads });
  if (mode === 'head') {
    const positions = ids.map((_, i) => i);
    const requests = Array.from({ length: batch }, () => ({ ids, positions, targets: positions.map((p) => ids[(p + 1) % seq]) }));
    await session.run(requests);
  }
} else {
  const session = await ort.InferenceSession.create(path.join(modelDir, 'onnx', 'model.onnx'), { graphOptimizationLevel: 'all' });
  const feeds = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from({ length: batch * seq }, (_, i) => BigInt(ids[i % seq])), [batch, seq]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(batch * seq).fill(1n), [batch, seq]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: batch * seq }, (_, i) => BigInt(i % seq)), [batch, seq]),
  };
  for (const m of session.inputMetadata) {
    if (m.name.startsWith('past_key_values.')) feeds[m.name] = new ort.Tensor('float32', new Float32Array(0), [batch, Number(m.shape[1]), 0, Number(m.shape[3])]);
  }
  const out = await session.run(feeds);
  // The naive path reduces the logits in JavaScript: one pass for the logsumexp of each row.
  const logits = out.logits.data;
  let acc = 0;
  for (let r = 0; r < batch * seq; r++) {
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[r * V + v]);
    acc += max;
  }
  if (!Number.isFinite(acc)) throw new Error('bad logits');
}
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ mode, maxRssMiB: process.resourceUsage().maxRSS / 1024, seconds }));
