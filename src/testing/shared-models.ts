import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import { getFloat16 } from '@petamoriken/float16';
import ort from 'onnxruntime-node';

/** The project root (works from src/ and dist/ alike). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** `../shared` beside the project, as laid out on every machine and in CI. */
export const SHARED = path.resolve(PROJECT_ROOT, '..', 'shared');
export const STORIES = path.join(SHARED, 'models', 'stories260K');
export const TINY_LLAMA3 = path.join(SHARED, 'models', 'tiny-llama3');

/** A fresh cache folder per test file, so tests never see each other's rewritten graphs. */
export function tempCacheDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-test-cache-'));
}

/**
 * Full `[seq, vocab]` logits of one unpadded sequence from the model's own exported graph (`onnx/model.onnx`, or
 * `file` in the model folder): the reference that the scoring head must match. A float16 graph gets float16 caches,
 * and its float16 logits come back as float32.
 */
export async function fullLogits(modelDir: string, ids: number[], file = path.join('onnx', 'model.onnx')): Promise<{ logits: Float32Array; vocab: number }> {
  const session = await ort.InferenceSession.create(path.join(modelDir, file), { intraOpNumThreads: 1 });
  try {
    const S = ids.length;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, S]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(S).fill(1n), [1, S]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(i)), [1, S]),
    };
    for (const m of session.inputMetadata) {
      if (m.name.startsWith('past_key_values.') && m.isTensor) {
        const dims = [1, Number(m.shape[1]), 0, Number(m.shape[3])];
        feeds[m.name] = m.type === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
      }
    }
    const out = await session.run(feeds);
    const logits = out.logits;
    const vocab = Number(logits.dims[2]);
    if (logits.type !== 'float16') return { logits: logits.data as Float32Array, vocab };
    const raw = logits.data as Uint16Array;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return { logits: Float32Array.from({ length: raw.length }, (_, i) => getFloat16(view, 2 * i, true)), vocab };
  } finally {
    await session.release();
  }
}

/** logsumexp(row/α) in float64, the textbook way. */
export function referenceLogSumExp(row: Float32Array, alpha: number): number {
  let max = -Infinity;
  for (const x of row) max = Math.max(max, x / alpha);
  let sum = 0;
  for (const x of row) sum += Math.exp(x / alpha - max);
  return max + Math.log(sum);
}
