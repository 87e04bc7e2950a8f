import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { getFloat16, setFloat16 } from '@petamoriken/float16';
import ort from 'onnxruntime-node';
import { fullLogits, PROJECT_ROOT, STORIES, TINY_LLAMA3 } from '../testing/shared-models.js';
import { runCliInProcess } from '../testing/run-cli.js';
import { float16Bits, float16Twin } from './float16-twin.js';
import { DataType, onnx } from './onnx-proto.js';

const IDS = [1, 403, 407, 261, 378, 300, 301, 45, 99, 120, 17, 250, 33];

/** A copy of a shared model folder with its float16 twin beside it as onnx/model_fp16.onnx (transformers.js naming). */
function withFloat16Twin(sourceDir: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-fp16-'));
  fs.cpSync(sourceDir, dir, { recursive: true, filter: (f) => !f.includes(`${path.sep}source`) });
  const model = onnx.ModelProto.decode(fs.readFileSync(path.join(dir, 'onnx', 'model.onnx')));
  fs.writeFileSync(path.join(dir, 'onnx', 'model_fp16.onnx'), onnx.ModelProto.encode(onnx.ModelProto.create(float16Twin(model))).finish());
  return dir;
}

for (const [name, dir] of [['stories260K', STORIES], ['tiny-llama3', TINY_LLAMA3]] as const) {
  test(`the float16 twin of ${name} is a valid graph onnxruntime runs, with logits close to float32's`, async () => {
    const twin = withFloat16Twin(dir);
    const model = onnx.ModelProto.decode(fs.readFileSync(path.join(twin, 'onnx', 'model_fp16.onnx')));
    const matmulWeights = new Set(model.graph!.node!.filter((n) => n.opType === 'MatMul').map((n) => n.input![1]));
    const weights = model.graph!.initializer!.filter((t) => matmulWeights.has(t.name!));
    assert.ok(weights.length > 4 && weights.every((t) => t.dataType === DataType.FLOAT16), 'every weight matrix in float16');
    // Position ids become floats for the rotary angles in float32: float16 holds integers exactly only up to 2048.
    const producer = new Map(model.graph!.node!.flatMap((n) => n.output!.map((o) => [o, n] as const)));
    const fromPositions = (name: string) => name === 'position_ids' || (producer.get(name)?.input ?? []).includes('position_ids');
    const positions = model.graph!.node!.find((n) => n.opType === 'Cast' && fromPositions(n.input![0]) && Number(n.attribute![0].i) === DataType.FLOAT);
    assert.ok(positions, 'the cast of positions to float stays float32');
    const a = (await fullLogits(dir, IDS)).logits;
    const b = (await fullLogits(twin, IDS, path.join('onnx', 'model_fp16.onnx'))).logits;
    const session = await ort.InferenceSession.create(path.join(twin, 'onnx', 'model_fp16.onnx'));
    const caches = session.inputMetadata.filter((m) => m.name.startsWith('past_key_values.'));
    assert.ok(caches.length > 0 && caches.every((m) => m.isTensor && m.type === 'float16'), 'float16 cache inputs');
    assert.deepEqual(session.outputMetadata.filter((m) => m.isTensor && m.type !== 'float16').map((m) => m.name), [], 'float16 outputs');
    await session.release();
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    // float16 keeps 11 significant bits: logits of up to ~20 round to 0.01; these models measured 0.012 and 0.017.
    assert.ok(worst < 0.05, `largest logit difference ${worst}`);
    assert.ok(worst > 0, 'the twin computes in float16');
    fs.rmSync(twin, { recursive: true, force: true });
  });
}

test('--dtype fp16 on cpu scores the story sample; the winner of each pair is the float32 run\'s', async () => {
  const twin = withFloat16Twin(STORIES);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-fp16-run-'));
  const winners: Record<string, Map<string, number>> = {};
  for (const dtype of ['fp32', 'fp16']) {
    const dataset = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
    const run = path.join(out, dtype);
    const r = await runCliInProcess(['score', '--model', twin, '--dtype', dtype, '--template', 'none', '--dataset', dataset, '--methods', 'endorm', '--out', run, '--quiet', '--threads', '1']);
    assert.equal(r.code, 0, r.stderr);
    const lines = fs.readFileSync(path.join(run, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const byPair = new Map<string, Record<string, number>>();
    for (const l of lines) byPair.set(l.pair, { ...byPair.get(l.pair), [l.role]: l.scores.endorm });
    winners[dtype] = new Map([...byPair].map(([pair, s]) => [pair, Math.sign(s.chosen - s.rejected)]));
  }
  assert.equal(winners.fp16.size, 64);
  const same = [...winners.fp32].filter(([pair, w]) => winners.fp16.get(pair) === w).length;
  assert.ok(same / winners.fp32.size >= 0.99, `${same} of ${winners.fp32.size} winners agree`);
  fs.rmSync(twin, { recursive: true, force: true });
});

test('float16 bits are IEEE round-to-nearest-even (as @petamoriken/float16 computes them), clamped to ±65504, NaN kept', () => {
  const edge = [0, -0, 1, -1, 65504, 65519, 65520, 1e6, -1e9, Infinity, -Infinity, 6.1e-5, 5.96e-8, 2.98e-8, 2.99e-8, 1e-9, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 2049, 2051, 0.1, -3.4e38];
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const values = Float32Array.from([...edge, ...Array.from({ length: 200_000 }, () => (random() - 0.5) * 10 ** (random() * 16 - 10))]);
  const bits = float16Bits(values);
  const view = new DataView(new ArrayBuffer(2));
  values.forEach((x, i) => {
    setFloat16(view, 0, Math.max(-65504, Math.min(65504, x)), true);
    assert.equal(bits[i], view.getUint16(0, true), `${x}`);
  });
  assert.ok(Number.isNaN(getFloat16(new DataView(float16Bits(Float32Array.of(NaN)).buffer), 0, true)));
  assert.equal(bits[edge.indexOf(2049)], 0x6800, '2049 is halfway: to the even 2048');
  assert.equal(bits[edge.indexOf(2051)], 0x6802, '2051 is halfway: to the even 2052');
  assert.equal(bits[edge.indexOf(1e6)], 0x7bff, 'beyond 65504: clamped, not infinite');
});
