import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ScoringSession, type PositionRequest, type PositionResult } from '../engine/scoring-session.js';
import { widenVocabulary, writeModelVariant } from '../testing/model-variants.js';
import { fullLogits, referenceLogSumExp, STORIES, tempCacheDir, TINY_LLAMA3 } from '../testing/shared-models.js';
import { onnx } from './onnx-proto.js';
import { prepareScoringGraph } from './scoring-graph-cache.js';
import type { ScoringHead } from './scoring-io.js';

const ALPHAS = [1, 0.5, 2];
const QWEN_VOCAB = 151_936;
// Three rows of different lengths (a right-padded batch); ids below every model's input vocabulary (512).
const SEQUENCES = [
  [1, 403, 407, 261, 378, 300, 301, 45, 99, 120],
  [1, 17, 250, 33],
  [5, 6, 7, 8, 9, 10, 11],
];

/**
 * Operators the WebGPU execution provider of onnxruntime registers kernels for (its webgpu_execution_provider.cc), among
 * those a head could use; Scan and LogSoftmax are not among them.
 */
const WEBGPU_OPS = new Set([
  'Add', 'Cast', 'Concat', 'Constant', 'Div', 'Exp', 'Expand', 'Flatten', 'Gather', 'GatherElements', 'Log', 'MatMul', 'Mul',
  'ReduceLogSumExp', 'ReduceMax', 'ReduceSum', 'Reshape', 'Shape', 'Slice', 'Softmax', 'Squeeze', 'Sub', 'Tanh', 'Unsqueeze',
]);

function requests(vocab: number): PositionRequest[] {
  return SEQUENCES.map((ids) => {
    const positions = ids.map((_, i) => i);
    // Targets spread over the whole vocabulary, not only the ids the rows hold.
    return { ids, positions, targets: positions.map((p) => (ids[(p + 1) % ids.length] * 7919 + p) % vocab) };
  });
}

async function session(modelDir: string, head: ScoringHead, vocabSize: number, extra: { chunkElements?: number; attentionHeads?: number; attentionElements?: number } = {}) {
  const graph = await prepareScoringGraph(path.join(modelDir, 'onnx', 'model.onnx'), tempCacheDir(), { head });
  return ScoringSession.create(graph, { alphas: ALPHAS, vocabSize, threads: 1, head, ...extra });
}

/** Largest |a − b| / max(1, |b|) over logits and logsumexps. */
function worstRelative(a: PositionResult[], b: PositionResult[]): number {
  let worst = 0;
  a.forEach((r, i) => {
    assert.equal(r.logits.length, b[i].logits.length);
    assert.equal(r.logSumExp.length, b[i].logSumExp.length);
    r.logits.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - b[i].logits[j]) / Math.max(1, Math.abs(b[i].logits[j])))));
    r.logSumExp.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - b[i].logSumExp[j]) / Math.max(1, Math.abs(b[i].logSumExp[j])))));
  });
  return worst;
}

describe('the gathered (GPU) scoring head, run on CPU', () => {
  let wide: string;
  before(async () => {
    wide = await writeModelVariant(TINY_LLAMA3, widenVocabulary(QWEN_VOCAB));
  });
  after(() => fs.rmSync(wide, { recursive: true, force: true }));

  const models = () =>
    [
      ['stories260K', STORIES, 512],
      ['tiny-llama3', TINY_LLAMA3, 512],
      ['a random model with a 151,936-token vocabulary', wide, QWEN_VOCAB],
    ] as const;

  test('equals the full logits and the Scan head within 1e-4 relative: padded batch, several α, positions split across runs', async () => {
    for (const [name, dir, vocab] of models()) {
      const reqs = requests(vocab);
      // A budget of 4 positions per run: every row is split, and the 21 positions take 6 runs.
      const gathered = await session(dir, 'gathered', vocab, { chunkElements: 4 * (ALPHAS.length + 2) * vocab });
      assert.equal(gathered.positionsPerRun, 4);
      const scan = await session(dir, 'scan', vocab);
      const g = (await gathered.run(reqs)).results;
      const s = (await scan.run(reqs)).results;
      const vsScan = worstRelative(g, s);
      assert.ok(vsScan < 1e-4, `${name}: gathered vs scan ${vsScan}`);
      let vsFull = 0;
      for (let r = 0; r < reqs.length; r++) {
        const { logits, vocab: V } = await fullLogits(dir, reqs[r].ids);
        assert.equal(V, vocab);
        reqs[r].positions.forEach((p, i) => {
          const row = logits.subarray(p * V, (p + 1) * V);
          vsFull = Math.max(vsFull, Math.abs(g[r].logits[i] - row[reqs[r].targets[i]]));
          ALPHAS.forEach((alpha, a) => {
            const ref = referenceLogSumExp(row, alpha);
            vsFull = Math.max(vsFull, Math.abs(g[r].logSumExp[i * ALPHAS.length + a] - ref) / Math.max(1, Math.abs(ref)));
          });
        });
      }
      assert.ok(vsFull < 1e-4, `${name}: gathered vs full logits ${vsFull}`);
      await gathered.release();
      await scan.release();
    }
  });

  test('responses on a cached prompt (batch-1 cache repeated inside the graph) equal whole runs, and row groups too', async () => {
    for (const [name, dir, vocab] of models()) {
      const gathered = await session(dir, 'gathered', vocab);
      // attentionElements this small forces one row per run.
      const split = await session(dir, 'gathered', vocab, { attentionHeads: 4, attentionElements: 1 });
      assert.equal(split.rowsPerRun(8), 1);
      // Two prompts of different lengths, with two and three responses of different lengths.
      const prompts = [SEQUENCES[0].slice(0, 9), SEQUENCES[2].slice(0, 5)];
      const responses = [
        [[120, 121, 122, 5, 6], [7], [200, 201, 202, 203, 204, 205, 206, 207, 208]],
        [[300, 301], [302, 303, 304, 305, 306, 307]],
      ].map((group, g) => group.map((r) => r.map((id) => (id + 37 * g) % 500)));
      const whole = prompts.map((p, g) =>
        responses[g].map((r) => {
          const ids = [...p, ...r];
          const positions = ids.map((_, i) => i).slice(p.length - 1);
          return { ids, positions, targets: positions.map((q) => (ids[(q + 1) % ids.length] * 31 + q) % vocab) };
        }),
      );
      // Prompts (less their last token) in one call: the gathered session runs each alone, so each cache is exact.
      const { presents } = await gathered.run(prompts.map((p) => ({ ids: p.slice(0, -1), positions: [], targets: [] })), undefined, { presents: true });
      assert.deepEqual(presents!.map((p) => p.length), [8, 4]);
      for (const p of presents!) for (const t of Object.values(p.tensors)) assert.equal(t.dims[0], 1);
      for (let g = 0; g < prompts.length; g++) {
        const L = prompts[g].length - 1;
        const expected = (await gathered.run(whole[g])).results;
        const suffixes = whole[g].map((r) => ({ ids: r.ids.slice(L), positions: r.positions.map((q) => q - L), targets: r.targets }));
        for (const s of [gathered, split]) {
          const worst = worstRelative((await s.run(suffixes, presents![g])).results, expected);
          assert.ok(worst < 1e-4, `${name}: prompt ${g} on its cache: ${worst}`);
        }
        const scan = await session(dir, 'scan', vocab);
        const worst = worstRelative((await scan.run(whole[g])).results, expected);
        assert.ok(worst < 1e-4, `${name}: gathered vs scan, prompt ${g}: ${worst}`);
        await scan.release();
      }
      await gathered.release();
      await split.release();
    }
  });
});

test('the gathered graph has no Scan, only operators the WebGPU provider implements, and a batch-1 cache input', async () => {
  const graphPath = await prepareScoringGraph(path.join(TINY_LLAMA3, 'onnx', 'model.onnx'), tempCacheDir(), { head: 'gathered' });
  const model = onnx.ModelProto.decode(fs.readFileSync(graphPath));
  const added = model.graph!.node!.filter((n) => n.name?.startsWith('endorm/'));
  assert.ok(added.length > 10);
  const foreign = added.filter((n) => !WEBGPU_OPS.has(n.opType!)).map((n) => n.opType);
  assert.deepEqual(foreign, []);
  assert.ok(!model.graph!.node!.some((n) => n.opType === 'Scan' || n.opType === 'LogSoftmax'));
  for (const input of model.graph!.input!.filter((i) => i.name!.startsWith('past_key_values.'))) {
    assert.equal(Number(input.type!.tensorType!.shape!.dim![0].dimValue), 1, input.name!);
  }
  // Its own cache entry: the Scan graph of the same file is another.
  const scanPath = await prepareScoringGraph(path.join(TINY_LLAMA3, 'onnx', 'model.onnx'), path.dirname(path.dirname(path.dirname(graphPath))));
  assert.notEqual(path.dirname(scanPath), path.dirname(graphPath));
});
