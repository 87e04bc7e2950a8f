import os from 'node:os';
import ort from 'onnxruntime-node';
import { ModelError } from '../model/model-errors.js';
import { attentionLimits, type AttentionLimits } from '../onnx/attention-limits.js';
import { modelMetadata, outputNames, readGraphFile } from '../onnx/graph-io.js';
import { readRunConstraints, type RunConstraints } from '../onnx/run-constraints.js';
import { SCORING_IO, type ScoringHead } from '../onnx/scoring-io.js';
import { assertCudaAvailable } from './cuda-provider.js';
import { DEVICES, type Device, type DeviceName } from './devices.js';
import { deviceStartError } from './open-device.js';

export interface SessionOptions {
  /** Temperatures whose logsumexp(f/α) every run returns. */
  alphas: number[];
  /** Threads for one operator; defaults to the machine's cores. */
  threads?: number;
  /** Where to run (default cpu); its entry in the device table gives the head, the budgets and where caches live. */
  device?: DeviceName;
  /** The head the graph was built with (see onnx/scoring-io.ts); default: the device's. */
  head?: ScoringHead;
  /** The head's memory budget in floats, instead of the device's `headElements` (see devices.ts). */
  chunkElements?: number;
  vocabSize: number;
  padTokenId?: number;
  /** Query heads of the model; with it, a run whose attention would hold too many scores is split into row groups. */
  attentionHeads?: number;
  /** Cache shape from the model's config, for graphs whose past inputs name these dimensions by a symbol. */
  kvHeads?: number;
  headDim?: number;
  /** Most attention scores (rows × heads × seq × (past + seq)) of one onnxruntime run, instead of the device's. */
  attentionElements?: number;
  /** Write onnxruntime's profile (each node's time, operator and provider) to a JSON file with this path prefix. */
  profileFilePrefix?: string;
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
  /** present.* tensors of a prompt, batch 1 (on a GPU, possibly still in device memory). */
  tensors: Record<string, ort.Tensor>;
  length: number;
  /**
   * Frees the cache now. Device memory is not the JavaScript heap's: left to the garbage collector, caches of GPU runs
   * would pile up on the device long before the heap asks for a collection.
   */
  release?: () => void;
}

/** A request, or a part of its positions (the gathered head bounds the positions of one run): what one row of a run reads. */
interface Piece {
  request: number;
  ids: number[];
  positions: number[];
  targets: number[];
}

/**
 * An onnxruntime session over the rewritten scoring graph (see onnx/build-scoring-graph.ts), created once per run.
 */
export class ScoringSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly options: SessionOptions,
    readonly device: Device,
    readonly head: ScoringHead,
    private readonly pastInputs: Array<{ name: string; type: ort.Tensor.Type; heads: number; headDim: number }>,
    readonly hasPositionIds: boolean,
    private readonly invAlpha: ort.Tensor,
    /** What the graph needs for batch-invariant scores (see onnx/run-constraints.ts). */
    readonly constraints: RunConstraints,
    /** What the graph's attention kernel accepts (GroupQueryAttention: one row per run on a cache). */
    readonly attention: AttentionLimits,
    /** The scoring graph file the session runs (named when the model misbehaves). */
    readonly graphPath?: string,
  ) {}

  static async create(graphPath: string, options: SessionOptions): Promise<ScoringSession> {
    const device = DEVICES[options.device ?? 'cpu'];
    if (device.name === 'cuda') assertCudaAvailable();
    const head = options.head ?? device.head;
    // Caches stay in device memory only with the gathered graph, which takes them back as they come (batch 1).
    const graph = await readGraphFile(graphPath);
    const outputs = device.cacheLocation === 'gpu-buffer' && head === 'gathered' ? outputNames(graph) : [];
    const sessionOptions = onnxSessionOptions(device, outputs, options);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(graphPath, sessionOptions);
    } catch (err) {
      const message = (err as Error).message;
      if (device.name !== 'cpu' && /adapter|execution provider|provider|cuda|vulkan|dawn/i.test(message)) throw deviceStartError(device.name, message);
      throw new ModelError(`cannot load the ONNX model ${graphPath}${device.name === 'cpu' ? '' : ` on --device ${device.name}`}: ${message}`);
    }
    const pastInputs = session.inputMetadata
      .filter((m) => m.name.startsWith('past_key_values.'))
      .map((m) => {
        if (!m.isTensor) throw new ModelError(`unexpected non-tensor input ${m.name}`);
        const shape = m.shape;
        return { name: m.name, type: m.type as ort.Tensor.Type, heads: cacheDim(m.name, shape[1], options.kvHeads, 'num_key_value_heads'), headDim: cacheDim(m.name, shape[3], options.headDim, 'head_dim') };
      });
    const fed = new Set<string>(['input_ids', 'attention_mask', 'position_ids', SCORING_IO.index, SCORING_IO.target, SCORING_IO.invAlpha]);
    const unknown = session.inputNames.filter((name) => !fed.has(name) && !name.startsWith('past_key_values.'));
    if (unknown.length) {
      await session.release();
      throw new ModelError(`the ONNX model ${graphPath} takes input${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} that endorm does not know how to feed (it feeds input_ids, attention_mask, position_ids and past_key_values.*)`);
    }
    const invAlpha = new ort.Tensor('float32', Float32Array.from(options.alphas, (a) => 1 / a), [options.alphas.length, 1, 1]);
    const constraints = readRunConstraints(modelMetadata(graph));
    return new ScoringSession(session, options, device, head, pastInputs, session.inputNames.includes('position_ids'), invAlpha, constraints, attentionLimits(graph.graph ?? {}), graphPath);
  }

  get alphas(): number[] {
    return this.options.alphas;
  }

  /** The graph's half-precision activations make the CPU run one whole sequence at a time (see run-constraints.ts). */
  private get oneSequencePerRun(): boolean {
    return this.device.name === 'cpu' && this.constraints.oneSequencePerRunOnCpu !== undefined;
  }

  /** What this graph changes in how sequences run, and why (see run-constraints.ts); undefined when nothing. */
  get runNote(): string | undefined {
    if (this.oneSequencePerRun) {
      return `${this.constraints.oneSequencePerRunOnCpu}: on the CPU each response runs alone and whole (no batching, no prompt cache), so that its score does not depend on the batch`;
    }
    if (this.constraints.noPromptCache !== undefined && this.pastInputs.length > 0) {
      return `${this.constraints.noPromptCache}: each response runs whole with its prompt (no prompt cache), as the file's own run does`;
    }
    return undefined;
  }

  /**
   * Whether runs can start from a cached prefix: the graph takes `past_key_values.*` and returns every `present.*`, and
   * nothing in it needs each sequence run whole (see run-constraints.ts).
   */
  get canRunOnCache(): boolean {
    if (this.constraints.noPromptCache !== undefined || this.oneSequencePerRun) return false;
    const outputs = new Set(this.session.outputNames);
    return this.pastInputs.length > 0 && this.pastInputs.every((p) => outputs.has(p.name.replace('past_key_values', 'present')));
  }

  private get headElements(): number {
    return this.options.chunkElements ?? this.device.headElements;
  }

  /** Scan head: rows per Scan step, so that alphas × chunk × vocab stays under the budget. */
  get chunkSize(): number {
    return Math.max(1, Math.min(1024, Math.floor(this.headElements / (this.options.vocabSize * this.options.alphas.length))));
  }

  /** Gathered head: scored positions per onnxruntime run, so that (alphas + 2) × positions × vocab stays under the budget. */
  get positionsPerRun(): number {
    return Math.max(1, Math.floor(this.headElements / (this.options.vocabSize * (this.options.alphas.length + 2))));
  }

  /** Rows of one onnxruntime run for sequences of `seq` tokens on a cache of `pastLength`, within the attention budget. */
  rowsPerRun(seq: number, pastLength = 0): number {
    if (this.oneSequencePerRun) return 1;
    // A kernel that takes one row on a cache (GroupQueryAttention) runs the responses of a shared prompt one by one.
    if (pastLength > 0) return Math.min(this.attention.rowsOnPast, this.rowsWithinBudget(seq, pastLength));
    return this.rowsWithinBudget(seq, pastLength);
  }

  private rowsWithinBudget(seq: number, pastLength: number): number {
    const heads = this.options.attentionHeads;
    if (!heads) return Number.POSITIVE_INFINITY;
    const budget = this.options.attentionElements ?? this.device.attentionElements;
    return Math.max(1, Math.floor(budget / (heads * seq * (pastLength + seq))));
  }

  /**
   * Runs a right-padded batch (optionally on top of a shared prompt's cache, batch 1 broadcast to every row) and reads
   * the requested positions. A batch whose attention scores (or, with the gathered head, scored positions) would exceed
   * the budget runs in parts (same results, less memory). `options.presents` returns each row's cache.
   */
  async run(requests: PositionRequest[], past?: PastState, options: RunOptions = {}): Promise<{ results: PositionResult[]; presents?: PastState[] }> {
    const groups = this.plan(requests, past?.length ?? 0, options.presents === true);
    const parts: PositionResult[][] = requests.map(() => []);
    const presents: PastState[] = [];
    for (const group of groups) {
      const out = await this.runPieces(group, past, options.presents === true);
      group.forEach((piece, i) => {
        parts[piece.request].push(out.results[i]);
        if (out.presents && presents[piece.request] === undefined) presents[piece.request] = out.presents[i];
      });
    }
    const results = parts.map((p) => (p.length === 1 ? p[0] : concatResults(p)));
    return options.presents ? { results, presents } : { results };
  }

  /** Splits a batch into onnxruntime runs: row groups under the attention budget, and for the gathered head under its position budget. */
  private plan(requests: PositionRequest[], pastLength: number, presents: boolean): Piece[][] {
    const whole = requests.map((r, request) => ({ request, ...r }));
    if (this.head === 'scan') {
      const rows = this.rowsPerRun(Math.max(...requests.map((r) => r.ids.length)), pastLength);
      if (requests.length <= rows) return [whole];
      const groups: Piece[][] = [];
      for (let start = 0; start < whole.length; start += rows) groups.push(whole.slice(start, start + rows));
      return groups;
    }
    // The gathered graph takes a batch-1 cache: a row's own cache comes from a run of that row alone.
    if (presents) return whole.map((p) => [p]);
    const limit = this.positionsPerRun;
    const pieces = whole.flatMap((p) => {
      if (p.positions.length <= limit) return [p];
      const split: Piece[] = [];
      for (let from = 0; from < p.positions.length; from += limit) {
        split.push({ ...p, positions: p.positions.slice(from, from + limit), targets: p.targets.slice(from, from + limit) });
      }
      return split;
    });
    const groups: Piece[][] = [];
    let group: Piece[] = [];
    let seq = 0;
    let positions = 0;
    for (const piece of pieces) {
      const longer = Math.max(seq, piece.ids.length);
      if (group.length && (group.length + 1 > this.rowsPerRun(longer, pastLength) || positions + piece.positions.length > limit)) {
        groups.push(group);
        group = [];
        seq = 0;
        positions = 0;
      }
      group.push(piece);
      seq = Math.max(seq, piece.ids.length);
      positions += piece.positions.length;
    }
    if (group.length) groups.push(group);
    return groups;
  }

  private async runPieces(pieces: Piece[], past: PastState | undefined, wantPresents: boolean): Promise<{ results: PositionResult[]; presents?: PastState[] }> {
    const batch = pieces.length;
    const seq = Math.max(...pieces.map((r) => r.ids.length));
    const pastLength = past?.length ?? 0;
    const inputIds = new BigInt64Array(batch * seq).fill(BigInt(this.options.padTokenId ?? 0));
    const mask = new BigInt64Array(batch * (pastLength + seq));
    const positionIds = new BigInt64Array(batch * seq);
    pieces.forEach((r, b) => {
      for (let t = 0; t < r.ids.length; t++) {
        inputIds[b * seq + t] = BigInt(r.ids[t]);
        positionIds[b * seq + t] = BigInt(pastLength + t);
      }
      mask.fill(1n, b * (pastLength + seq), b * (pastLength + seq) + pastLength + r.ids.length);
    });

    const total = pieces.reduce((n, r) => n + r.positions.length, 0);
    // Scan head: as few steps as the budget allows, evened out so that the last one is not mostly padding (each padded
    // row costs a full vocabulary product). Gathered head: one chunk of every position (plan() bounded them).
    const chunks = this.head === 'scan' ? Math.max(1, Math.ceil(total / this.chunkSize)) : 1;
    const chunk = Math.max(1, Math.ceil(total / chunks));
    const index = new BigInt64Array(chunks * chunk);
    const target = new BigInt64Array(chunks * chunk);
    let k = 0;
    pieces.forEach((r, b) => {
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
    // The gathered graph repeats a batch-1 cache for every row itself; the scan graph takes one per row.
    const pastBatch = this.head === 'gathered' ? 1 : batch;
    for (const p of this.pastInputs) {
      const cached = past?.tensors[p.name.replace('past_key_values', 'present')];
      feeds[p.name] = cached ? (pastBatch === 1 ? cached : broadcastBatch(cached, pastBatch)) : emptyPast(p, pastBatch);
    }

    // Outputs bound to device memory stay bound from run to run in onnxruntime-node, so such a session fetches every
    // output every time (and frees the caches it does not keep); elsewhere a run fetches only what it returns.
    const presentNames = this.session.outputNames.filter((name) => name.startsWith('present'));
    const onDevice = this.device.cacheLocation === 'gpu-buffer' && this.head === 'gathered';
    const fetches = wantPresents || onDevice ? this.session.outputNames : [SCORING_IO.logit, SCORING_IO.logSumExp];
    const out = await this.session.run(feeds, fetches);
    const logits = out[SCORING_IO.logit].data as Float32Array;
    const lse = out[SCORING_IO.logSumExp].data as Float32Array;
    const A = this.options.alphas.length;
    const results: PositionResult[] = [];
    k = 0;
    for (const r of pieces) {
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
    if (!wantPresents) {
      if (onDevice) for (const name of presentNames) out[name].dispose();
      return { results };
    }
    const presents = pieces.map((r, b) => {
      const length = pastLength + r.ids.length;
      const tensors: Record<string, ort.Tensor> = {};
      for (const name of presentNames) {
        const tensor = out[name] as ort.Tensor;
        tensors[name] = batch === 1 && r.ids.length === seq ? tensor : sliceRow(tensor, b, length);
      }
      const state: PastState = { tensors, length };
      if (onDevice) state.release = () => Object.values(tensors).forEach((t) => t.dispose());
      return state;
    });
    return { results, presents };
  }

  /** Ends onnxruntime's profiling (see `profileFilePrefix`), which then writes its file. */
  endProfiling(): void {
    this.session.endProfiling();
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * onnxruntime's options for a session on `device`: its provider, threads, and on a device that keeps caches in its
 * memory, the `present.*` among `outputs` (the graph's, or none to keep caches on the host) bound there. Only the caches: onnxruntime-node cannot read a
 * gpu-buffer output back into JavaScript, so the head's outputs come back to the host.
 */
export function onnxSessionOptions(device: Device, outputs: string[], options: Pick<SessionOptions, 'threads' | 'profileFilePrefix'>): ort.InferenceSession.SessionOptions {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads ?? os.availableParallelism(),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionProviders: [device.executionProvider],
  };
  const presents = outputs.filter((name) => name.startsWith('present'));
  if (device.cacheLocation === 'gpu-buffer' && presents.length) {
    sessionOptions.preferredOutputLocation = Object.fromEntries(presents.map((name) => [name, 'gpu-buffer' as const]));
  }
  if (options.profileFilePrefix) Object.assign(sessionOptions, { enableProfiling: true, profileFilePrefix: options.profileFilePrefix });
  return sessionOptions;
}

function concatResults(parts: PositionResult[]): PositionResult {
  const join = (arrays: Float32Array[]) => {
    const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of arrays) {
      out.set(a, at);
      at += a.length;
    }
    return out;
  };
  return { logits: join(parts.map((p) => p.logits)), logSumExp: join(parts.map((p) => p.logSumExp)) };
}

/**
 * A cache dimension of a past input: the graph's number, or, where the graph names it by a symbol (the model builder's
 * `kv_cache_dim`), the config's. An empty past must be fed with a real size, so one found nowhere stops the load.
 */
function cacheDim(input: string, dim: unknown, fromConfig: number | undefined, configField: string): number {
  const n = Number(dim);
  if (Number.isInteger(n) && n > 0) return n;
  if (fromConfig !== undefined && Number.isInteger(fromConfig) && fromConfig > 0) return fromConfig;
  throw new ModelError(`the model's input ${input} names its dimension "${String(dim)}" by a symbol and config.json has no ${configField} to size it`);
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
  const data = tensor.data as Float32Array | Uint16Array;
  const copy = new (data.constructor as Float32ArrayConstructor)(data.length * batch) as Float32Array | Uint16Array;
  for (let b = 0; b < batch; b++) copy.set(data, b * data.length);
  return new ort.Tensor(tensor.type, copy, [batch, ...tensor.dims.slice(1)]);
}
