import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { writeGenaiLikeModel, type GenaiLikeOptions } from '../testing/genai-like-model.js';
import { plainRunLoglik, type PlainRunScore } from '../testing/plain-run-reference.js';
import { runCliInProcess } from '../testing/run-cli.js';
import { PROJECT_ROOT, tempCacheDir } from '../testing/shared-models.js';

// onnxruntime-genai builder exports (GroupQueryAttention, packed QKV, rotary inside, no position_ids), built by the
// test itself, each scored by `endorm score` under every batching and compared with its own graph run plainly.

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-genai-test-'));
process.env.ENDORM_CACHE = tempCacheDir();
// Eight records whose prompts are shared by two responses each: prompts batched, responses run on their caches.
const DATASET = path.join(work, 'stories-8.jsonl');
fs.writeFileSync(DATASET, fs.readFileSync(path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'), 'utf8').split('\n').slice(0, 8).join('\n') + '\n');

const BATCHINGS: Record<string, string[]> = {
  default: [],
  'batch-size 1': ['--batch-size', '1'],
  'no prefix sharing': ['--no-prefix-sharing'],
  'max-batch-tokens 64': ['--max-batch-tokens', '64'],
};

async function scoreWith(model: string, dtype: string, name: string, extra: string[]): Promise<{ scores: Map<string, number>; stderr: string }> {
  const out = path.join(work, `${path.basename(model)}-${name.replace(/ /g, '-')}`);
  const r = await runCliInProcess(['score', '--model', model, '--dtype', dtype, '--template', 'none', '--dataset', DATASET, '--methods', 'loglik', '--out', out, '--quiet', '--threads', '1', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  const lines = fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { scores: new Map(lines.map((l) => [`${l.pair}/${l.role}`, l.scores.loglik as number])), stderr: r.stderr };
}

function worstRelative(a: Map<string, number>, b: Map<string, number>): number {
  let worst = 0;
  for (const [key, x] of b) {
    const y = a.get(key);
    assert.ok(y !== undefined, `${key} scored`);
    worst = Math.max(worst, Math.abs(x - y) / Math.max(1, Math.abs(x)));
  }
  return worst;
}

const VARIANTS: Array<{ name: string; options: GenaiLikeOptions; dtype: string }> = [
  { name: 'fp32', options: {}, dtype: 'fp32' },
  { name: 'int4 (MatMulNBits)', options: { int4: true }, dtype: 'q4' },
  { name: 'int4 with tied embeddings (GatherBlockQuantized on the lm_head weight)', options: { int4: true, tiedEmbeddings: true }, dtype: 'q4' },
  { name: 'fp32 with tied embeddings (Gather on Transpose)', options: { tiedEmbeddings: true }, dtype: 'fp32' },
  { name: 'symbolic kv_cache_dim', options: { kvCacheDimSymbolic: true }, dtype: 'fp32' },
];

for (const v of VARIANTS) {
  test(`GroupQueryAttention builder layout, ${v.name}: equal to its own plain run and under every batching (1e-4 relative)`, async (t) => {
    const { dir, file } = writeGenaiLikeModel(v.options);
    const reference: PlainRunScore[] = await plainRunLoglik(dir, file, DATASET);
    const plain = new Map(reference.map((r) => [`${r.pair}/${r.role}`, r.loglik]));
    assert.equal(plain.size, 16);
    const runs: Record<string, Map<string, number>> = {};
    for (const [name, extra] of Object.entries(BATCHINGS)) runs[name] = (await scoreWith(dir, v.dtype, name, extra)).scores;
    for (const [name, scores] of Object.entries(runs)) {
      const vsPlain = worstRelative(scores, plain);
      assert.ok(vsPlain <= 1e-4, `${name} vs the file's own plain run: ${vsPlain}`);
      const vsDefault = worstRelative(scores, runs.default);
      assert.ok(vsDefault <= 1e-4, `${name} vs default batching: ${vsDefault}`);
      t.diagnostic(`${name}: ${vsPlain.toExponential(1)} from the plain run, ${vsDefault.toExponential(1)} from the default`);
    }
    // Random weights still give distinct, finite log-likelihoods: the comparison is not between constants.
    assert.ok(new Set([...plain.values()].map((x) => x.toFixed(3))).size === 16 && [...plain.values()].every((x) => x < -10));
    fs.rmSync(dir, { recursive: true, force: true });
  });
}
