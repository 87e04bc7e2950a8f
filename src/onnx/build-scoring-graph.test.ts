import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ScoringSession } from '../engine/scoring-session.js';
import { fullLogits, referenceLogSumExp, STORIES, tempCacheDir, TINY_LLAMA3 } from '../testing/shared-models.js';
import { prepareScoringGraph } from './scoring-graph-cache.js';
import { onnx } from './onnx-proto.js';
import fs from 'node:fs';

const ALPHAS = [1, 0.5, 2];
// Three rows of different lengths, so the batch is right-padded; ids stay below both vocabularies (512).
const SEQUENCES = [
  [1, 403, 407, 261, 378, 300, 301, 45, 99, 120],
  [1, 17, 250, 33],
  [5, 6, 7, 8, 9, 10, 11],
];

for (const [name, dir] of [['stories260K', STORIES], ['tiny-llama3', TINY_LLAMA3]] as const) {
  test(`scoring head matches full logits (${name}), padded batch, several α, tiny chunks`, async () => {
    const graph = await prepareScoringGraph(path.join(dir, 'onnx', 'model.onnx'), tempCacheDir());
    // chunkElements forces a chunk of 2 rows per Scan step at 3 alphas × 512 vocab: many steps and a padded last one.
    const session = await ScoringSession.create(graph, { alphas: ALPHAS, vocabSize: 512, chunkElements: 2 * 3 * 512, threads: 1 });
    assert.equal(session.chunkSize, 2);
    const requests = SEQUENCES.map((ids) => {
      const positions = ids.map((_, i) => i);
      return { ids, positions, targets: positions.map((p) => ids[(p + 1) % ids.length]) };
    });
    const { results } = await session.run(requests);
    let worst = 0;
    for (let r = 0; r < SEQUENCES.length; r++) {
      const { logits, vocab } = await fullLogits(dir, SEQUENCES[r]);
      for (let i = 0; i < requests[r].positions.length; i++) {
        const p = requests[r].positions[i];
        const row = logits.subarray(p * vocab, (p + 1) * vocab);
        worst = Math.max(worst, Math.abs(results[r].logits[i] - row[requests[r].targets[i]]));
        ALPHAS.forEach((alpha, a) => {
          worst = Math.max(worst, Math.abs(results[r].logSumExp[i * ALPHAS.length + a] - referenceLogSumExp(row, alpha)));
        });
      }
    }
    assert.ok(worst < 1e-4, `largest difference ${worst}`);
    await session.release();
  });
}

test('the rewritten graph has no full-logits output and projects only inside the chunked Scan', async () => {
  const graphPath = await prepareScoringGraph(path.join(TINY_LLAMA3, 'onnx', 'model.onnx'), tempCacheDir());
  const model = onnx.ModelProto.decode(fs.readFileSync(graphPath));
  const outputs = model.graph!.output!.map((o) => o.name);
  assert.ok(!outputs.includes('logits'));
  assert.deepEqual(outputs.slice(0, 2), ['endorm_logit', 'endorm_lse']);
  const matmulsOnVocabWeight = model.graph!.node!.filter((n) => n.opType === 'MatMul' && n.name === '/lm_head/MatMul');
  assert.equal(matmulsOnVocabWeight.length, 0, 'the lm_head matmul left the body');
  const scan = model.graph!.node!.find((n) => n.opType === 'Scan');
  assert.ok(scan);
  const body = scan!.attribute!.find((a) => a.name === "body")!.g!;
  assert.ok(body.node!.some((n) => n.name === '/lm_head/MatMul'));
});

test('a cached scoring graph is reused', async () => {
  const cache = tempCacheDir();
  const first = await prepareScoringGraph(path.join(STORIES, 'onnx', 'model.onnx'), cache);
  const mtime = fs.statSync(first).mtimeMs;
  const second = await prepareScoringGraph(path.join(STORIES, 'onnx', 'model.onnx'), cache);
  assert.equal(second, first);
  assert.equal(fs.statSync(second).mtimeMs, mtime);
});
