import os from 'node:os';
import ort from 'onnxruntime-node';
import { ModelError } from '../model/model-errors.js';
import { SCORING_IO } from '../onnx/build-scoring-graph.js';
import { assertCudaAvailable } from './cuda-provider.js';

export interface SessionOptions {
  /** Temperatures whose logsumexp(f/α) every run returns. */
  alphas: number[];
  /** Threads for one operator; defaults to the machine's cores. */
  threads?: number;
  device?: 'cpu' | 'cuda';
  /** Upper bound on alphas × chunk × vocab floats of one head step (bounds the head's memory). */
  chunkElements?: number;
  vocabSize: number;
  padTokenId?: number;
  /** Query heads of the model; with it, a run whose attention would hold too many scores is split into row groups. */
  attentionHeads?: number;
  /** Most attention scores (rows × heads × seq × (past + seq)) of one onnxruntime run; larger batches run in row groups. */
  attentionElements?: number;
}

/** What a run returns besides the scored positions. */
export interface RunOptions {
  /** Return each row's cache (`present.*` cut to that row's length), to run other sequences on top of it. */
  presents?: boolean;
}

/** One sequence of a batch and the positions whose next-token distribution is read. */
export interface PositionRequest {
  ids: number[];
  /** Positions p (0-based, < ids.length) whose state is read. */
  positions: number[];
  /** For each position, the token whose logit is returned. */
  targets: number[];
}

/** Per request: `logits[i]` = f(s_{positions[i]}, targets[i]); `logSumExp[i * A + k]` = logsumexp(f/alphas[k]). */
export interface PositionResult {
  logits: Float32Array;
  logSumExp: Float32Array;
}

export interface PastState {
  /** present.* tensors of a prompt, batch 1. */
  tensors: Record<string, ort.Tensor>;
  length: number;
}

/**
 * 32 Mi floats (128 MiB) per `[alphas, chunk, vocab]` tensor of the head; three exist at once. Each Scan step streams
 * the whole output embedding from memory, so larger chunks pay that once for more rows: at Qwen's vocabulary, 220-row
 * chunks scored RM-Bench-shaped input about 10% faster than 55-row ones (8 Mi), for 193 MiB more peak RSS at
 * 8 × 1024 tokens (1923 MiB).
 */
const DEFAULT_CHUNK_ELEMENTS = 1 << 25;
/**
 * 16 Mi attention scores (64 MiB per float32 score tensor of a layer; a few exist at once). On CPU, row groups under this
 * budget were also faster than whole batches: at 8 × 1024 tokens on qwen-vocab, one row per run took 18-22 s against
 * 23-27 s for the batch, with 1.7 GB peak RSS against 3.0 GB. GPUs want large runs and have their own memory: 8× more.
 */
const DEFAULT_ATTENTION_ELEMENTS = 1 << 24;

/**
 * An onnxruntime session over the rewritten scoring graph (see build-scoring-graph.ts), created once per run.
 */
export class ScoringSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly options: SessionOptions,
    private readonly pastInputs: Array<{ name: string; type: ort.Tensor.Type; heads: number; headDim: number }>,
    readonly hasPositionIds: boolean,
    private readonly invAlpha: ort.Tensor,
  ) {}

  static async create(graphPath: string, options: SessionOptions): Promise<ScoringSession> {
    if (options.device === 'cuda') assertCudaAvailable();
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: options.threads ?? os.availableParallelism(),
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionProviders: options.device === 'cuda' ? ['cuda'] : ['cpu'],
    };
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(graphPath, sessionOptions);
    } catch (err) {
      const message = (err as Error).message;
      if (options.device === 'cuda') {
        throw new ModelError(
          `--device cuda: onnxruntime could not start its CUDA execution provider (${message}); it needs an NVIDIA GPU ` +
            `with its driver, CUDA 12 and cuDNN 9; use --device cpu`,
        );
      }
      throw new ModelError(`cannot load the ONNX model ${graphPath}: ${message}`);
    }
    const pastInputs = session.inputMetadata
      .filter((m) => m.name.startsWith('past_key_values.'))
      .map((m) => {
        if (!m.isTensor) throw new ModelError(`unexpected non-tensor input ${m.name}`);
        const shape = m.shape;
        return { name: m.name, type: m.type as ort.Tensor.Type, heads: Number(shape[1]), headDim: Number(shape[3]) };
      });
    const invAlpha = new ort.Tensor('float32', Float32Array.from(options.alphas, (a) => 1 / a), [options.alphas.length, 1, 1]);
    return new ScoringSession(session, options, pastInputs, session.inputNames.includes('position_ids'), invAlpha);
  }

  get alphas(): number[] {
    return this.options.alphas;
  }

  /** Whether runs can start from a cached prefix: the graph takes `past_key_values.*` and returns every `present.*`. */
  get canRunOnCache(): boolean {
    const outputs = new Set(this.session.outputNames);
    return this.pastInputs.length > 0 && this.pastInputs.every((p) => outputs.has(p.name.replace('past_key_values', 'present')));
  }

  /** Rows of the head per Scan step, so that alphas × chunk × vocab stays under the budget. */
  get chunkSize(): number {
    const budget = this.options.chunkElements ?? DEFAULT_CHUNK_ELEMENTS;
    return Math.max(1, Math.min(1024, Math.floor(budget / (this.options.vocabSize * this.options.alphas.length))));
  }

  /** Rows of one onnxruntime run for sequences of `seq` tokens on a cache of `pastLength`, within the attention budget. */
  rowsPerRun(seq: number, pastLength = 0): number {
    const heads = this.options.attentionHeads;
    if (!heads) return Number.POSITIVE_INFINITY;
    const budget = this.options.attentionElements ?? DEFAULT_ATTENTION_ELEMENTS * (this.options.device === 'cuda' ? 8 : 1);
    return Math.max(1, Math.floor(budget / (heads * seq * (pastLength + seq))));
  }

  /**
   * Runs a right-padded batch (optionally on top of a shared prompt's cache, batch 1 broadcast to every row) and reads
   * the requested positions. A batch whose attention scores would exceed the budget runs in row groups (same results,
   * less memory). `options.presents` returns each row's cache.
   */
  async run(
    requests: PositionRequest[],
    past?: PastState,
    options: RunOptions = {},
  ): Promise<{ results: PositionResult[]; present?: PastState; presents?: PastState[] }> {
    const seq = Math.max(...requests.map((r) => r.ids.length));
    const rows = this.rowsPerRun(seq, past?.length ?? 0);
    if (requests.length <= rows) return this.runRows(requests, past, options);
    const results: PositionResult[] = [];
    const presents: PastState[] = [];
    for (let start = 0; start < requests.length; start += rows) {
      const part = await this.runRows(requests.slice(start, start + rows), past, options);
      results.push(...part.results);
      if (part.presents) presents.push(...part.presents);
    }
    return options.presents ? { results, presents } : { results };
  }

  private async runRows(
    requests: PositionRequest[],
    past: PastState | undefined,
    options: RunOptions,
  ): Promise<{ results: PositionResult[]; present?: PastState; presents?: PastState[] }> {
    const batch = requests.length;
    const seq = Math.max(...requests.map((r) => r.ids.length));
    const pastLength = past?.length ?? 0;
    const inputIds = new BigInt64Array(batch * seq).fill(BigInt(this.options.padTokenId ?? 0));
    const mask = new BigInt64Array(batch * (pastLength + seq));
    const positionIds = new BigInt64Array(batch * seq);
    requests.forEach((r, b) => {
      for (let t = 0; t < r.ids.length; t++) {
        inputIds[b * seq + t] = BigInt(r.ids[t]);
        positionIds[b * seq + t] = BigInt(pastLength + t);
      }
      mask.fill(1n, b * (pastLength + seq), b * (pastLength + seq) + pastLength + r.ids.length);
    });

    const total = requests.reduce((n, r) => n + r.positions.length, 0);
    // As few Scan steps as the budget allows, evened out so that the last one is not mostly padding (each padded row
    // costs a full vocabulary product).
    const chunks = Math.max(1, Math.ceil(total / this.chunkSize));
    const chunk = Math.max(1, Math.ceil(total / chunks));
    const index = new BigInt64Array(chunks * chunk);
    const target = new BigInt64Array(chunks * chunk);
    let k = 0;
    requests.forEach((r, b) => {
      r.positions.forEach((p, i) => {
        if (p < 0 || p >= r.ids.length) throw new RangeError(`position ${p} outside a sequence of ${r.ids.length} tokens`);
        index[k] = BigInt(b * seq + p);
        target[k] = BigInt(r.targets[i]);
        k++;
      });
    });

    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', inputIds, [batch, seq]),
      attention_mask: new ort.Tensor('int64', mask, [batch, pastLength + seq]),
      [SCORING_IO.index]: new ort.Tensor('int64', index, [chunks, 1, chunk]),
      [SCORING_IO.target]: new ort.Tensor('int64', target, [chunks, chunk, 1]),
      [SCORING_IO.invAlpha]: this.invAlpha,
    };
    if (this.hasPositionIds) feeds.position_ids = new ort.Tensor('int64', positionIds, [batch, seq]);
    for (const p of this.pastInputs) {
      feeds[p.name] = past ? broadcastBatch(past.tensors[p.name.replace('past_key_values', 'present')], batch) : emptyPast(p, batch);
    }

    const out = await this.session.run(feeds);
    const logits = out[SCORING_IO.logit].data as Float32Array;
    const lse = out[SCORING_IO.logSumExp].data as Float32Array;
    const A = this.options.alphas.length;
    const results: PositionResult[] = [];
    k = 0;
    for (const r of requests) {
      const n = r.positions.length;
      const res: PositionResult = { logits: new Float32Array(n), logSumExp: new Float32Array(n * A) };
      for (let i = 0; i < n; i++, k++) {
        const c = Math.floor(k / chunk);
        const j = k % chunk;
        res.logits[i] = logits[c * chunk + j];
        for (let a = 0; a < A; a++) res.logSumExp[i * A + a] = lse[(c * A + a) * chunk + j];
      }
      results.push(res);
    }
    let present: PastState | undefined;
    if (batch === 1) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const name of this.session.outputNames) if (name.startsWith('present')) tensors[name] = out[name] as ort.Tensor;
      present = { tensors, length: pastLength + seq };
    }
    let presents: PastState[] | undefined;
    if (options.presents) {
      const names = this.session.outputNames.filter((name) => name.startsWith('present'));
      presents = requests.map((r, b) => {
        const length = pastLength + r.ids.length;
        const tensors: Record<string, ort.Tensor> = {};
        for (const name of names) tensors[name] = batch === 1 && r.ids.length === seq ? (out[name] as ort.Tensor) : sliceRow(out[name] as ort.Tensor, b, length);
        return { tensors, length };
      });
    }
    return { results, present, presents };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function emptyPast(p: { type: ort.Tensor.Type; heads: number; headDim: number }, batch: number): ort.Tensor {
  const dims = [batch, p.heads, 0, p.headDim];
  return p.type === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
}

/** Row `b` of a cache tensor `[batch, heads, T, dim]`, keeping the first `length` positions (right padding dropped). */
function sliceRow(tensor: ort.Tensor, b: number, length: number): ort.Tensor {
  const [, heads, T, dim] = tensor.dims;
  const data = tensor.data as Float32Array | Uint16Array;
  const copy = new (data.constructor as Float32ArrayConstructor)(heads * length * dim) as Float32Array | Uint16Array;
  for (let h = 0; h < heads; h++) {
    const from = ((b * heads + h) * T) * dim;
    copy.set(data.subarray(from, from + length * dim), h * length * dim);
  }
  return new ort.Tensor(tensor.type, copy, [1, heads, length, dim]);
}

/** Repeats a batch-1 cache tensor `[1, heads, past, dim]` for every row of a batch. */
function broadcastBatch(tensor: ort.Tensor, batch: number): ort.Tensor {
  if (batch === 1) return tensor;
  const data = tensor.data as Float32Array | Uint16Array;
  const copy = new (data.constructor as Float32ArrayConstructor)(data.length * batch) as Float32Array | Uint16Array;
  for (let b = 0; b < batch; b++) copy.set(data, b * data.length);
  return new ort.Tensor(tensor.type, copy, [batch, ...tensor.dims.slice(1)]);
}
