#!/usr/bin/env node
// CPU time of one batch through the scoring graph of an ONNX file: 16 sequences of 40 to 55 tokens, every position
// scored, one thread, fastest of 5 runs after a warm-up (CPU time, not wall time: steadier on a shared machine).
// Usage (after npm run build): node scripts/measure-batch-cost.mjs ONNX_FILE... ; ENDORM_DIR=<another build> measures
// that build instead (for a before/after of a rewrite).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.ENDORM_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { prepareScoringGraph } = await import(path.join(root, 'dist', 'onnx', 'scoring-graph-cache.js'));
const { ScoringSession } = await import(path.join(root, 'dist', 'engine', 'scoring-session.js'));
const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: node scripts/measure-batch-cost.mjs ONNX_FILE...');
  process.exit(2);
}
const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-batch-cost-'));
for (const file of files) {
  const config = JSON.parse(fs.readFileSync(path.join(path.dirname(file), '..', 'config.json'), 'utf8'));
  const vocab = config.vocab_size;
  const graph = await prepareScoringGraph(file, cache);
  const session = await ScoringSession.create(graph, { alphas: [1], vocabSize: vocab, threads: 1 });
  const requests = Array.from({ length: 16 }, (_, r) => {
    const ids = Array.from({ length: 40 + r }, (_, i) => (i * 7919 + r * 31) % vocab);
    return { ids, positions: ids.map((_, i) => i), targets: ids.map((_, i) => ids[(i + 1) % ids.length]) };
  });
  await session.run(requests);
  const times = [];
  for (let i = 0; i < 5; i++) {
    const start = process.cpuUsage();
    await session.run(requests);
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1e6);
  }
  await session.release();
  console.log(`${file}: ${Math.min(...times).toFixed(3)} s CPU per batch (runs: ${times.map((t) => t.toFixed(3)).join(' ')})`);
}
fs.rmSync(cache, { recursive: true, force: true });
