import type { Pair } from '../datasets/pair.js';
import type { BatchLimits } from '../engine/batching.js';
import type { ScoringSession } from '../engine/scoring-session.js';
import { comparisonSlot, responseSlot } from '../run-store/scan-scores.js';
import type { ScoreRecord } from '../run-store/score-record.js';
import { ScoresWriter } from '../run-store/scores-writer.js';
import { TraceWriter, type TraceWriteStats } from '../run-store/trace-writer.js';
import type { TaskBuilder } from '../tasks/work-item.js';
import { responseTaskBuilder, type ResponseTaskOptions } from './response-task.js';
import { scorePairs, type ScoreProgress } from './score-pairs.js';

export interface ScoreIntoFolderOptions {
  runDir: string;
  session: ScoringSession;
  /** Per-response methods, all from one model pass per response; absent when the run has none. */
  responses?: Omit<ResponseTaskOptions, 'onTrace'>;
  /** Further task builders (the judges). */
  tasks: TaskBuilder[];
  /** Keep each response's token trace beside the scores (for rescore and show). */
  traces: boolean;
  batch: BatchLimits;
  prefixSharing?: boolean;
  /** Lines a resumed run already has, per record (see RunFolderState.doneLines): not scored again. */
  doneLines?: ReadonlyMap<string, ReadonlySet<string>>;
  onProgress?: (p: ScoreProgress) => void;
  /** Told as each batch goes to the model and once its lines (and traces) are synced to disk: what a kill can lose. */
  onBatch?: (event: BatchEvent) => void;
  signal?: AbortSignal;
}

/**
 * A batch of this session (numbered from 1, model runs and writes counted apart): `running` as it goes to the model,
 * `written` once lines are on disk, named `pair role/index` or `pair comparison/i:j`.
 */
export type BatchEvent = { kind: 'running'; batch: number; sequences: number } | { kind: 'written'; batch: number; lines: string[] };

/**
 * Scores pairs into a run folder's scores.jsonl (and token traces). Each batch's traces are synced to disk before its
 * score lines, so a score line always has its trace; a failed run leaves whole batches only, and a killed one loses
 * only the batch in flight.
 */
export async function scoreIntoFolder(pairs: AsyncIterable<Pair>, o: ScoreIntoFolderOptions): Promise<{ progress: ScoreProgress; traces?: TraceWriteStats }> {
  const writer = await ScoresWriter.open(o.runDir);
  let written = 0;
  let running = 0;
  try {
    // Judges read their own prompts, not the responses' token values, so a run without per-response methods has
    // nothing to trace.
    const traces = o.traces && o.responses ? await TraceWriter.open(o.runDir) : undefined;
    try {
      const progress = await scorePairs(pairs, {
        session: o.session,
        builders: [...(o.responses ? [responseTaskBuilder({ ...o.responses, onTrace: traces && ((record, trace) => traces.add(record, trace)) })] : []), ...o.tasks],
        batch: o.batch,
        sink: async (records) => {
          await traces?.flush();
          await writer.append(records);
          written++;
          o.onBatch?.({ kind: 'written', batch: written, lines: records.map(lineName) });
        },
        ...(o.doneLines ? { doneLines: (pair: Pair) => o.doneLines!.get(pair.key) } : {}),
        onProgress: o.onProgress,
        ...(o.onBatch ? { onRun: (sequences: number) => o.onBatch!({ kind: 'running', batch: ++running, sequences }) } : {}),
        signal: o.signal,
        prefixSharing: o.prefixSharing,
      });
      const stats = await traces?.close();
      return { progress, ...(stats ? { traces: stats } : {}) };
    } catch (err) {
      await traces?.abandon();
      throw err;
    }
  } finally {
    await writer.close();
  }
}

function lineName(r: ScoreRecord): string {
  return `${r.pair} ${r.type === 'response' ? responseSlot(r.role, r.index) : comparisonSlot(r.chosen, r.rejected)}`;
}
