import fs from 'node:fs';
import path from 'node:path';
import { getFloat16 } from '@petamoriken/float16';
import ort from 'onnxruntime-node';
import { formatResponse } from '../formatting/format-response.js';
import { loadTokenizer } from '../model/load-tokenizer.js';

/**
 * The file's own output, the reference every layout is held to (a port of
 * ../shared/tools/onnx-variants/reference-score.mjs): the exported graph as it is, no rewrite, one sequence per run
 * (batch 1, no padding, no cache), full `[seq, vocab]` logits, log-likelihood summed in float64.
 */
export class PlainRun {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly kvHeads: number,
    private readonly headDim: number,
  ) {}

  static async open(modelDir: string, onnxFile: string): Promise<PlainRun> {
    const config = JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8'));
    const session = await ort.InferenceSession.create(onnxFile, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
    const kvHeads = config.num_key_value_heads ?? config.num_attention_heads;
    return new PlainRun(session, kvHeads, config.head_dim ?? config.hidden_size / config.num_attention_heads);
  }

  /** Σ log π(ids[p + 1] | ids[..p]) over the tokens from `start` on. */
  async loglik(ids: number[], start: number): Promise<number> {
    const S = ids.length;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, S]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(S).fill(1n), [1, S]),
    };
    // transformers.js feeds 0: keep every position's logits.
    if (this.session.inputNames.includes('num_logits_to_keep')) feeds.num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.from([0n]), []);
    if (this.session.inputNames.includes('position_ids')) feeds.position_ids = new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(i)), [1, S]);
    for (const m of this.session.inputMetadata) {
      if (!m.name.startsWith('past_key_values.') || !m.isTensor) continue;
      const dims = [1, Number.isFinite(Number(m.shape[1])) ? Number(m.shape[1]) : this.kvHeads, 0, Number.isFinite(Number(m.shape[3])) ? Number(m.shape[3]) : this.headDim];
      feeds[m.name] = m.type === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
    }
    const out = (await this.session.run(feeds, ['logits'])).logits;
    const V = Number(out.dims[2]);
    const logits = asFloat32(out);
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

  async release(): Promise<void> {
    await this.session.release();
  }
}

function asFloat32(t: ort.Tensor): Float32Array {
  if (t.type !== 'float16') return t.data as Float32Array;
  const raw = t.data as Uint16Array;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Float32Array.from({ length: raw.length }, (_, i) => getFloat16(view, 2 * i, true));
}

export interface PlainRunScore {
  pair: string;
  role: 'chosen' | 'rejected';
  tokens: number;
  loglik: number;
}

/**
 * Plain-run log-likelihoods of both responses of each record of a pairs file (JSONL with id, prompt, chosen,
 * rejected), tokenised as `endorm score --template none` tokenises them.
 */
export async function plainRunLoglik(modelDir: string, onnxFile: string, dataset: string, limit = Infinity): Promise<PlainRunScore[]> {
  const tokenizer = await loadTokenizer(modelDir);
  const run = await PlainRun.open(modelDir, onnxFile);
  const out: PlainRunScore[] = [];
  try {
    const records = fs.readFileSync(dataset, 'utf8').split('\n').filter(Boolean).slice(0, limit).map((l) => JSON.parse(l));
    for (const r of records) {
      for (const role of ['chosen', 'rejected'] as const) {
        const f = formatResponse(tokenizer, { template: 'none', system: r.system, prompt: r.prompt, response: r[role] });
        out.push({ pair: r.id, role, tokens: f.ids.length - f.responseStart, loglik: await run.loglik(f.ids, f.responseStart) });
      }
    }
  } finally {
    await run.release();
  }
  return out;
}

/** The same as a map `${id}/${role}` → loglik. */
export async function plainRunScores(modelDir: string, onnxFile: string, dataset: string, limit = Infinity): Promise<Map<string, number>> {
  return new Map((await plainRunLoglik(modelDir, onnxFile, dataset, limit)).map((r) => [`${r.pair}/${r.role}`, r.loglik]));
}
