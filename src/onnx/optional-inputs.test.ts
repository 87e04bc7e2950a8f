import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { distancesUnderBatchings, storiesHead } from '../testing/batching-invariance.js';
import { writeGenaiLikeModel } from '../testing/genai-like-model.js';
import { addLogitsToKeep } from '../testing/logits-to-keep-variant.js';
import { writeModelVariant } from '../testing/model-variants.js';
import { tempCacheDir, TINY_LLAMA3 } from '../testing/shared-models.js';
import { buildScoringGraph } from './build-scoring-graph.js';
import { onnx } from './onnx-proto.js';
import { runCliInProcess } from '../testing/run-cli.js';

process.env.ENDORM_CACHE = tempCacheDir();
const DATASET = storiesHead(6);

test('the rewrite replaces num_logits_to_keep by a constant 0 (every position kept): the scoring graph has no such input', async () => {
  const dir = await writeModelVariant(TINY_LLAMA3, addLogitsToKeep);
  const model = onnx.ModelProto.decode(fs.readFileSync(path.join(dir, 'onnx', 'model.onnx')));
  assert.ok(model.graph!.input!.some((i) => i.name === 'num_logits_to_keep'));
  const graph = buildScoringGraph(model).graph!;
  assert.deepEqual(graph.input!.filter((i) => i.name === 'num_logits_to_keep'), []);
  const constant = graph.initializer!.find((t) => t.name === 'num_logits_to_keep')!;
  assert.deepEqual([constant.dims, constant.int64Data!.map(Number)], [[], [0]]);
});

for (const [name, source] of [
  ['an optimum export (tiny-llama3)', () => TINY_LLAMA3],
  ['a GroupQueryAttention builder export', () => writeGenaiLikeModel().dir],
] as const) {
  test(`${name} with a num_logits_to_keep input scores equal to its own plain run (fed 0) under every batching`, async (t) => {
    const dir = await writeModelVariant(source(), addLogitsToKeep);
    const { plain, distances } = await distancesUnderBatchings(dir, path.join(dir, 'onnx', 'model.onnx'), 'fp32', DATASET);
    assert.equal(plain.size, 12);
    for (const [batching, d] of Object.entries(distances)) {
      assert.ok(d.plain <= 1e-4 && d.default <= 1e-4, `${batching}: ${d.plain} from the plain run, ${d.default} from the default`);
      t.diagnostic(`${batching}: ${d.plain.toExponential(1)} from the plain run, ${d.default.toExponential(1)} from the default`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

test('an input endorm cannot feed is exit 4 naming it, not a stack trace', async () => {
  const dir = await writeModelVariant(TINY_LLAMA3, (model) => {
    model.graph!.input!.push({ name: 'cache_position_unknown', type: { tensorType: { elemType: 7, shape: { dim: [{ dimParam: 'sequence_length' }] } } } } as never);
  });
  const out = path.join(dir, 'run');
  const r = await runCliInProcess(['score', '--model', dir, '--template', 'none', '--dataset', DATASET, '--methods', 'loglik', '--out', out, '--quiet', '--threads', '1']);
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /input "cache_position_unknown" that endorm does not know how to feed/);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  fs.rmSync(dir, { recursive: true, force: true });
});
