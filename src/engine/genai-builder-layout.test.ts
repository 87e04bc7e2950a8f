import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { distancesUnderBatchings, storiesHead } from '../testing/batching-invariance.js';
import { writeGenaiLikeModel, type GenaiLikeOptions } from '../testing/genai-like-model.js';
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
