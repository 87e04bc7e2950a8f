import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mulberry32 } from '../util/prng.js';
import { moveInitializersToFile } from '../onnx/external-data.js';
import { onnx } from '../onnx/onnx-proto.js';
import type { OnnxTypes } from '../onnx/onnx-proto.js';

type Model = OnnxTypes.ModelProto;

/**
 * Copies a shared model folder into a temp folder with its graph transformed: the variants real exports come in
 * (external data, quantised or soft-capped heads), made from the small shared models so tests stay offline and fast.
 */
export async function writeModelVariant(sourceDir: string, transform: (model: Model, onnxDir: string) => void | Promise<void>): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-model-'));
  for (const f of fs.readdirSync(sourceDir)) {
    if (f.endsWith('.json')) fs.copyFileSync(path.join(sourceDir, f), path.join(dir, f));
  }
  fs.mkdirSync(path.join(dir, 'onnx'));
  const model = onnx.ModelProto.decode(fs.readFileSync(path.join(sourceDir, 'onnx', 'model.onnx')));
  await transform(model, path.join(dir, 'onnx'));
  fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), onnx.ModelProto.encode(model).finish());
  return dir;
}

/** Moves every initializer larger than 1 KiB into `model.onnx_data`, as exporters do for models over 2 GB. */
export async function toExternalData(model: Model, onnxDir: string): Promise<void> {
  await moveInitializersToFile(model, onnxDir, 'model.onnx_data');
}

/** Appends Gemma-style soft-capping (cap · tanh(logits / cap)) after the exported logits. */
export function addSoftCapping(cap: number) {
  return (model: Model): void => {
    const g = model.graph!;
    const last = g.node!.find((n) => n.output!.includes('logits'))!;
    last.output = ['raw_logits'];
    g.initializer!.push({ name: 'softcap', dataType: 1, dims: [], floatData: [cap] });
    g.node!.push(
      { opType: 'Div', input: ['raw_logits', 'softcap'], output: ['capped_in'], name: 'softcap/Div' },
      { opType: 'Tanh', input: ['capped_in'], output: ['capped'], name: 'softcap/Tanh' },
      { opType: 'Mul', input: ['capped', 'softcap'], output: ['logits'], name: 'softcap/Mul' },
    );
  };
}

/**
 * Replaces the float lm_head MatMul by onnxruntime's dynamic quantisation pattern (DynamicQuantizeLinear,
 * MatMulInteger, Cast, Mul by the product of scales), the layout of `model_quantized.onnx` (q8) exports.
 */
export function quantizeHead(model: Model): void {
  const g = model.graph!;
  const matmul = g.node!.find((n) => n.output!.includes('logits'))!;
  const [hidden, weightName] = matmul.input!;
  const weight = g.initializer!.find((t) => t.name === weightName)!;
  const values = new Float32Array(new Uint8Array(weight.rawData!).slice().buffer);
  const maxAbs = values.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  const scale = maxAbs / 127;
  const q = Int8Array.from(values, (x) => Math.max(-127, Math.min(127, Math.round(x / scale))));
  g.initializer!.push(
    { name: 'head_wq', dataType: 3, dims: weight.dims, rawData: new Uint8Array(q.buffer) },
    { name: 'head_wz', dataType: 3, dims: [], int32Data: [0] },
    { name: 'head_ws', dataType: 1, dims: [], floatData: [scale] },
  );
  const at = g.node!.indexOf(matmul);
  g.node!.splice(
    at,
    1,
    { opType: 'DynamicQuantizeLinear', input: [hidden], output: ['hq', 'hs', 'hz'], name: 'head/DQL' },
    { opType: 'MatMulInteger', input: ['hq', 'head_wq', 'hz', 'head_wz'], output: ['acc'], name: 'head/MatMulInteger' },
    { opType: 'Cast', input: ['acc'], output: ['acc_f'], name: 'head/Cast', attribute: [{ name: 'to', type: 2, i: 1 }] },
    { opType: 'Mul', input: ['hs', 'head_ws'], output: ['head_scale'], name: 'head/Scale' },
    { opType: 'Mul', input: ['acc_f', 'head_scale'], output: ['logits'], name: 'head/Mul' },
  );
}

/**
 * Replaces the output embedding by a random one of `vocab` rows (seeded), so that a small model has a large
 * vocabulary's head: e.g. Qwen's 151,936 tokens on tiny-llama3's 64-wide hidden states (39 MB of weights). Input ids
 * stay below the original vocabulary (the input embedding is unchanged); targets may use all of `vocab`.
 */
export function widenVocabulary(vocab: number, seed = 1) {
  return (model: Model): void => {
    const g = model.graph!;
    const matmul = g.node!.find((n) => n.output!.includes('logits'))!;
    const weight = g.initializer!.find((t) => t.name === matmul.input![1])!;
    const hidden = Number(weight.dims![0]);
    const rand = mulberry32(seed);
    // uniform(−1, 1) · 0.6: logits of a few units, a spread like a trained model's
    const values = Float32Array.from({ length: hidden * vocab }, () => (rand() * 2 - 1) * 0.6);
    weight.dims = [hidden, vocab];
    weight.rawData = new Uint8Array(values.buffer);
    const info = (g.output ?? []).find((o) => o.name === 'logits')?.type?.tensorType?.shape?.dim;
    if (info?.length === 3) info[2] = { dimValue: vocab };
  };
}
