import type { Pair } from '../datasets/pair.js';
import { packBatches, type BatchLimits } from '../engine/batching.js';
import type { PastState, PositionResult, ScoringSession } from '../engine/scoring-session.js';
import { ModelError } from '../model/model-errors.js';
import { isComparisonSlot } from '../run-store/scan-scores.js';
import type { ScoreRecord } from '../run-store/score-record.js';
import type { TaskBuilder, TaskPart, WorkItem } from '../tasks/work-item.js';
import { planPrefixSharing, suffixRequest, type PrefixGroup } from './prefix-sharing.js';

export interface ScoreProgress {
  pairs: number;
  /**
   * Pairs done, a pair whose work is partly done counting as that fraction: it moves with every batch, where `pairs`
   * waits for a pair's last response (a window's pairs finish together, so `pairs` jumps).
   */
  partialPairs: number;
  /** Records this run scores in all (set by the caller when it knows it before scoring), for a bar and an ETA. */
  total?: number;
  responses: number;
  /** Real (unpadded) tokens run through the model. */
  tokens: number;
  paddedTokens: number;
  /** Tokens actually run (without padding): `tokens` less what shared prompt prefixes saved. */
  computedTokens?: number;
  /** Tokens not run because responses to one prompt ran on its cached prefix (`tokens − computedTokens`). */
  savedTokens?: number;
  truncated: number;
  seconds: number;
}

export interface ScorePairsOptions {
  session: ScoringSession;
  builders: TaskBuilder[];
  batch: BatchLimits;
  /** Pairs gathered before sorting into length buckets; larger windows pad less but hold more in memory. */
  windowPairs?: number;
  /**
   * Lines of a pair already in the run folder (responseSlot / comparisonSlot strings): their parts are not run again,
   * so a resumed run redoes only what the interrupted one had not written.
   */
  doneLines?: (pair: Pair) => ReadonlySet<string> | undefined;
  /** Receives each batch's finished lines; the caller appends and flushes them before the next batch runs. */
  sink: (records: ScoreRecord[]) => Promise<void> | void;
  onProgress?: (progress: ScoreProgress) => void;
  /** Told, before each model run of scored sequences, how many it holds (prompt prefixes run for sharing not included). */
  onRun?: (sequences: number) => void;
  signal?: AbortSignal;
  /**
   * Run a prompt shared by several items (same `prefixKey`) once and the items on top of its cache (default true, where
   * the session can run on a cache). Scores equal the unshared path's within float tolerance.
   */
  prefixSharing?: boolean;
}

/**
 * Batches are cut where they would pad by more than this (padded / real tokens − 1) unless `batch.maxPadding` says
 * otherwise. On CPU a smaller batch costs little (a single 500-token row already fills the matrix units), while every
 * padded token costs a whole token; on RM-Bench-shaped input this took padding from 19% to 5%.
 */
const DEFAULT_MAX_PADDING = 0.1;

/** The parts (one per method family) that make one line of scores.jsonl, and how many of their items are still out. */
interface PendingLine {
  owner: PendingPair;
  parts: TaskPart[];
  remaining: number;
}

interface PendingPair {
  truncated: number;
  /** Its responses this session scores (all, less those a resumed run had already written). */
  responses: number;
  /** Work items this session runs for it in all (for `partialPairs`). */
  items: number;
  /** Lines not yet written. */
  remaining: number;
}

/**
 * Streams pairs through the model: a window of pairs becomes work items, sorted into length buckets and packed under
 * the token budget. Each line of scores.jsonl (a response, or a comparison of a pairwise judge) goes to the sink with
 * the batch that completes it, so that a crash loses only the batch in flight, however the window was sorted.
 */
export async function scorePairs(pairs: AsyncIterable<Pair>, o: ScorePairsOptions): Promise<ScoreProgress> {
  const started = performance.now();
  const progress: ScoreProgress = {
    pairs: 0, partialPairs: 0, responses: 0, tokens: 0, paddedTokens: 0, computedTokens: 0, savedTokens: 0, truncated: 0, seconds: 0,
  };
  const windowPairs = o.windowPairs ?? 64;
  let window: PendingLine[] = [];
  let pairsInWindow = 0;

  const report = () => {
    progress.seconds = (performance.now() - started) / 1000;
    o.onProgress?.({ ...progress });
  };

  const finishLine = (line: PendingLine, out: ScoreRecord[]) => {
    const records = mergeResponseRecords(line.parts.map((part) => part.finish()));
    out.push(...records);
    const p = line.owner;
    if (--p.remaining === 0) {
      progress.pairs++;
      if (p.items === 0) progress.partialPairs++;
      progress.responses += p.responses;
      progress.truncated += p.truncated;
    }
  };

  const flushWindow = async () => {
    const owners = new Map<WorkItem, PendingLine>();
    const ready: ScoreRecord[] = [];
    for (const line of window) {
      for (const part of line.parts) for (const item of part.items) owners.set(item, line);
      if (line.remaining === 0) finishLine(line, ready);
    }
    if (ready.length) await o.sink(ready);
    const runItems = async (batch: WorkItem[], past?: PastState) => {
      if (o.signal?.aborted) throw o.signal.reason ?? new Error('aborted');
      const offset = past?.length ?? 0;
      o.onRun?.(batch.length);
      const { results } = await o.session.run(batch.map((item) => suffixRequest(item.request, offset)), past);
      refuseNonFinite(results, o.session);
      const done: ScoreRecord[] = [];
      const longest = Math.max(...batch.map((item) => item.request.ids.length)) - offset;
      for (let i = 0; i < batch.length; i++) {
        batch[i].accept(results[i]);
        progress.tokens += batch[i].request.ids.length;
        progress.computedTokens! += batch[i].request.ids.length - offset;
        const line = owners.get(batch[i])!;
        progress.partialPairs += 1 / line.owner.items;
        if (--line.remaining === 0) finishLine(line, done);
      }
      progress.paddedTokens += longest * batch.length;
      progress.savedTokens = progress.tokens - progress.computedTokens!;
      if (done.length) await o.sink(done);
      report();
    };
    // Only a session that can run on a cache shares (not a model exported without past inputs, nor a stand-in).
    const sharing = o.prefixSharing !== false && o.session.canRunOnCache === true;
    const plan = sharing ? planPrefixSharing([...owners.keys()]) : { unshared: [...owners.keys()], groups: [] };
    const limits = { ...o.batch, maxPadding: o.batch.maxPadding ?? DEFAULT_MAX_PADDING };
    for (const batch of packBatches(plan.unshared, (item) => item.request.ids.length, limits)) await runItems(batch);
    // Prompts run batched (right-padded, each row's cache cut to its length), each followed by its responses on its cache.
    for (const prefixBatch of packBatches(plan.groups, (g: PrefixGroup) => g.prefixIds.length, limits)) {
      if (o.signal?.aborted) throw o.signal.reason ?? new Error('aborted');
      const { presents } = await o.session.run(
        prefixBatch.map((g) => ({ ids: g.prefixIds, positions: [], targets: [] })),
        undefined,
        { presents: true },
      );
      const prefixLengths = prefixBatch.map((g) => g.prefixIds.length);
      progress.computedTokens! += prefixLengths.reduce((a, x) => a + x, 0);
      progress.paddedTokens += Math.max(...prefixLengths) * prefixBatch.length;
      for (let g = 0; g < prefixBatch.length; g++) {
        const length = prefixLengths[g];
        const suffixBatches = packBatches(prefixBatch[g].items, (item) => item.request.ids.length - length, limits);
        for (const batch of suffixBatches) await runItems(batch, presents![g]);
        presents![g].release?.(); // a cache in device memory goes now, not when the garbage collector gets to it
        presents![g] = undefined as never; // let the cache go before the next group's runs
      }
    }
    window = [];
    pairsInWindow = 0;
  };

  for await (const pair of pairs) {
    const tasks = o.builders.map((build) => build(pair));
    const done = o.doneLines?.(pair);
    const bySlot = new Map<string, TaskPart[]>();
    for (const task of tasks) {
      for (const part of task.parts) {
        if (done?.has(part.slot)) continue;
        const list = bySlot.get(part.slot);
        if (list) list.push(part);
        else bySlot.set(part.slot, [part]);
      }
    }
    if (bySlot.size === 0) continue;
    const doneResponses = [...(done ?? [])].filter((slot) => !isComparisonSlot(slot)).length;
    const lines = [...bySlot.values()].map((parts) => ({ parts, remaining: parts.reduce((n, part) => n + part.items.length, 0) }));
    const owner: PendingPair = {
      truncated: tasks.reduce((n, t) => n + t.truncated, 0),
      responses: pair.chosen.length + pair.rejected.length - doneResponses,
      items: lines.reduce((n, line) => n + line.remaining, 0),
      remaining: lines.length,
    };
    for (const line of lines) window.push({ owner, ...line });
    if (++pairsInWindow >= windowPairs) await flushWindow();
  }
  await flushWindow();
  progress.partialPairs = progress.pairs; // the fractions' float sum, made exact
  report();
  return progress;
}

/** Per-response methods and pointwise judges score the same response; one line per response keeps the file simple. */
function mergeResponseRecords(records: ScoreRecord[]): ScoreRecord[] {
  const merged = new Map<string, ScoreRecord>();
  const out: ScoreRecord[] = [];
  for (const r of records) {
    if (r.type !== 'response') {
      out.push(r);
      continue;
    }
    const key = `${r.role}/${r.index}`;
    const prior = merged.get(key);
    if (prior && prior.type === 'response') {
      Object.assign(prior.scores, r.scores);
      if (r.extra) prior.extra = { ...prior.extra, ...r.extra };
      prior.truncated ||= r.truncated;
    } else {
      merged.set(key, r);
      out.push(r);
    }
  }
  return out;
}

/**
 * A batch in which every value the model returned is NaN or ±Inf is no score at all but a broken model (damaged weights
 * or cached graph): stop before any of its lines are written, rather than fill scores.jsonl with nulls.
 */
function refuseNonFinite(results: readonly PositionResult[], session: ScoringSession): void {
  let values = 0;
  for (const r of results) {
    for (const array of [r.logits, r.logSumExp]) {
      for (const x of array) if (Number.isFinite(x)) return;
      values += array.length;
    }
  }
  if (values === 0) return;
  const graph = session.graphPath ?? 'the scoring graph';
  throw new ModelError(
    `the model returned NaN/Inf for every value of a batch (${results.length} sequence(s)) from ${graph}: damaged weights? ` +
      `Delete ${graph === 'the scoring graph' ? 'the cached scoring graph' : graph} to have it rebuilt, and check the model's files; no line of that batch was written`,
  );
}
