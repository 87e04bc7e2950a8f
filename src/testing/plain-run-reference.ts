import fs from 'node:fs';
import { getFloat16 } from '@petamoriken/float16';
import ort from 'onnxruntime-node';
import { formatResponse } from '../formatting/format-response.js';
import { loadTokenizer } from '../model/load-tokenizer.js';

/*
 * A port of ../shared/tools/onnx-variants/reference-score.mjs: per-response log-likelihoods straight from a model
 * file's own exported graph (no endorm rewrite, no cache, no batching), the reference a score must equal. One
 * onnxruntime run per response, batch 1, empty past, full [seq, vocab] logits, sums in float64; tokens from endorm's
 * own formatting (template none), so the ids are the ones endorm scores.
 */

export interface PlainRunScore {
  pair: string;
  role: 'chosen' | 'rejected';
  tokens: number;
  loglik: number;
}

/** Scores every record of a JSONL pair file (`id`, `prompt`, `chosen`, `rejected`) with `onnxFile` run plainly. */
export async function plainRunLoglik(modelDir: string, onnxFile: string, dataset: string): Promise<PlainRunScore[]> {
  const config = JSON.parse(fs.readFileSync(`${modelDir}/config.json`, 'utf8'));
  const tokenizer = await loadTokenizer(modelDir);
  const session = await ort.InferenceSession.create(onnxFile, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const kvHeads = config.num_key_value_heads ?? config.num_attention_heads;
  const headDim = config.head_dim ?? config.hidden_size / config.num_attention_heads;
  const out: PlainRunScore[] = [];
  try {
    const records = fs.readFileSync(dataset, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    for (const r of records) {
      for (const role of ['chosen', 'rejected'] as const) {
        const f = formatResponse(tokenizer, { template: 'none', system: r.system, prompt: r.prompt, response: r[role] });
        out.push({ pair: r.id, role, tokens: f.ids.length - f.responseStart, loglik: await loglik(session, f.ids, f.responseStart, kvHeads, headDim) });
      }
    }
  } finally {
    await session.release();
  }
  return out;
}

async function loglik(session: ort.InferenceSession, ids: number[], start: number, kvHeads: number, headDim: number): Promise<number> {
  const S = ids.length;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, S]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(S).fill(1n), [1, S]),
  };
  // transformers.js feeds 0: keep every position's logits.
  if (session.inputNames.includes('num_logits_to_keep')) feeds.num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.from([0n]), []);
  if (session.inputNames.includes('position_ids')) feeds.position_ids = new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(i)), [1, S]);
  for (const m of session.inputMetadata) {
    if (!m.name.startsWith('past_key_values.') || !m.isTensor) continue;
    const h = Number.isFinite(Number(m.shape[1])) ? Number(m.shape[1]) : kvHeads;
    const d = Number.isFinite(Number(m.shape[3])) ? Number(m.shape[3]) : headDim;
    feeds[m.name] = m.type === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), [1, h, 0, d]) : new ort.Tensor('float32', new Float32Array(0), [1, h, 0, d]);
  }
  const result = await session.run(feeds, ['logits']);
  const V = Number(result.logits.dims[2]);
  const logits = asFloat32(result.logits);
  let sum = 0;
  for (let p = start - 1; p < S - 1; p++) {
    const row = logits.subarray(p * V, (p + 1) * V);
    let max = -Infinity;
    for (const x of row) if (x > max) max = x;
    let s = 0;
    for (const x of row) s += Math.exp(x - max);
    sum += row[ids[p + 1]] - (max + Math.log(s));
  }
  return sum;
}

function asFloat32(t: ort.Tensor): Float32Array {
  if (t.type !== 'float16') return t.data as Float32Array;
  const raw = t.data as Uint16Array;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Float32Array.from({ length: raw.length }, (_, i) => getFloat16(view, 2 * i, true));
}
