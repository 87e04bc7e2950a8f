import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { distancesUnderBatchings, storiesHead } from '../testing/batching-invariance.js';
import { writeGenaiLikeModel, type GenaiLikeOptions } from '../testing/genai-like-model.js';
import { plainRunLoglik } from '../testing/plain-run.js';
import { loadModel } from './load-model.js';
import { runCliInProcess } from '../testing/run-cli.js';
import { tempCacheDir } from '../testing/shared-models.js';

// onnxruntime-genai builder exports (GroupQueryAttention, packed QKV, rotary inside, no position_ids), built by the
// test itself, each scored by `endorm score` under every batching and compared with its own graph run plainly.

process.env.ENDORM_CACHE = tempCacheDir();
// Eight records whose prompts are shared by two responses each: prompts batched, responses run on their caches.
const DATASET = storiesHead(8);

const VARIANTS: Array<{ name: string; options: GenaiLikeOptions; dtype: string }> = [
  { name: 'fp32', options: {}, dtype: 'fp32' },
  { name: 'int4 (MatMulNBits)', options: { int4: true }, dtype: 'q4' },
  { name: 'int4 with tied embeddings (GatherBlockQuantized on the lm_head weight)', options: { int4: true, tiedEmbeddings: true }, dtype: 'q4' },
  { name: 'fp32 with tied embeddings (Gather on Transpose)', options: { tiedEmbeddings: true }, dtype: 'fp32' },
  { name: 'symbolic kv_cache_dim', options: { kvCacheDimSymbolic: true }, dtype: 'fp32' },
  { name: 'int4, symbolic kv_cache_dim', options: { int4: true, kvCacheDimSymbolic: true }, dtype: 'q4' },
];

for (const v of VARIANTS) {
  test(`GroupQueryAttention builder layout, ${v.name}: equal to its own plain run and under every batching (1e-4 relative)`, async (t) => {
    const { dir, file } = writeGenaiLikeModel(v.options);
    const { plain, distances } = await distancesUnderBatchings(dir, file, v.dtype, DATASET);
    assert.equal(plain.size, 16);
    // Random weights still give distinct log-likelihoods: the comparison is not between constants.
    assert.equal(new Set([...plain.values()].map((x) => x.toFixed(3))).size, 16);
    for (const [name, d] of Object.entries(distances)) {
      assert.ok(d.plain <= 1e-4, `${name} vs the file's own plain run: ${d.plain}`);
      assert.ok(d.default <= 1e-4, `${name} vs default batching: ${d.default}`);
      t.diagnostic(`${name}: ${d.plain.toExponential(1)} from the plain run, ${d.default.toExponential(1)} from the default`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

test('inspect reads a model whose caches name their last dimension kv_cache_dim (sized from config), equal to its plain run', async () => {
  const { dir, file } = writeGenaiLikeModel({ int4: true, kvCacheDimSymbolic: true });
  const record = { id: 'one', prompt: 'Once upon a time', chosen: ' there was a dog.', rejected: ' dog.' };
  const dataset = path.join(dir, 'one.jsonl');
  fs.writeFileSync(dataset, JSON.stringify(record) + '\n');
  const reference = (await plainRunLoglik(dir, file, dataset)).find((r) => r.role === 'chosen')!;
  let stdout = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true)) as typeof process.stdout.write;
  let r: { code: number; stderr: string };
  try {
    r = await runCliInProcess(['inspect', '--model', dir, '--dtype', 'q4', '--template', 'none', '--prompt', record.prompt, '--response', record.chosen, '--json', '--threads', '1']);
  } finally {
    process.stdout.write = write;
  }
  assert.equal(r.code, 0, r.stderr);
  const tokens: Array<{ logprob: number }> = JSON.parse(stdout).tokens;
  assert.equal(tokens.length, reference.tokens);
  const sum = tokens.reduce((s, t) => s + t.logprob, 0);
  assert.ok(Math.abs(sum - reference.loglik) <= 1e-4 * Math.abs(reference.loglik), `${sum} vs ${reference.loglik}`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a batch of responses on a cached prompt runs on GroupQueryAttention with either head (one row per run), equal to whole runs', async () => {
  const { dir } = writeGenaiLikeModel({ int4: true });
  const prompt = [506, 72, 105, 259, 265];
  const responses = [[510, 508, 97], [115, 115, 260, 97, 72], [259]];
  // The cache holds the prompt less its last token, as prefix sharing keeps it: that token's state scores the first response token.
  const prefix = prompt.slice(0, -1);
  const suffix = (r: number[]) => ({ ids: [prompt.at(-1)!, ...r], positions: r.map((_, i) => i), targets: r });
  const whole = (r: number[]) => ({ ids: [...prompt, ...r], positions: r.map((_, i) => prefix.length + i), targets: r });
  for (const head of ['scan', 'gathered'] as const) {
    const model = await loadModel(dir, { dtype: 'q4', alphas: [1, 0.5], cacheDir: tempCacheDir(), threads: 1, head });
    try {
      assert.equal(model.session.attention.kernel, 'GroupQueryAttention');
      assert.equal(model.session.rowsPerRun(4, 5), 1);
      // Prompts batched (right-padded) without a past; the first row's cache then takes three responses at once.
      const { presents } = await model.session.run([{ ids: prefix, positions: [], targets: [] }, { ids: prefix.slice(0, 2), positions: [], targets: [] }], undefined, { presents: true });
      const onCache = await model.session.run(responses.map(suffix), presents![0]);
      const alone = await model.session.run(responses.map(whole));
      responses.forEach((_, i) => {
        for (const key of ['logits', 'logSumExp'] as const) {
          const a = onCache.results[i][key];
          const b = alone.results[i][key];
          assert.equal(a.length, b.length);
          a.forEach((x, k) => assert.ok(Math.abs(x - b[k]) <= 1e-4 * Math.max(1, Math.abs(b[k])), `${head} response ${i} ${key}[${k}]: ${x} vs ${b[k]}`));
        }
      });
    } finally {
      await model.session.release();
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
