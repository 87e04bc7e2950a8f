import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
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
 * Full `[seq, vocab]` logits of one unpadded sequence from the model's own exported graph: the reference that the
 * scoring head must match.
 */
export async function fullLogits(modelDir: string, ids: number[]): Promise<{ logits: Float32Array; vocab: number }> {
  const session = await ort.InferenceSession.create(path.join(modelDir, 'onnx', 'model.onnx'));
  try {
    const S = ids.length;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, S]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(S).fill(1n), [1, S]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(i)), [1, S]),
    };
    for (const m of session.inputMetadata) {
      if (m.name.startsWith('past_key_values.') && m.isTensor) {
        feeds[m.name] = new ort.Tensor('float32', new Float32Array(0), [1, Number(m.shape[1]), 0, Number(m.shape[3])]);
      }
    }
    const out = await session.run(feeds);
    const logits = out.logits;
    return { logits: logits.data as Float32Array, vocab: Number(logits.dims[2]) };
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
