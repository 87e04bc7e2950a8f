import type { RunSummary } from '../benchmarks/method-summary.js';
import type { TokenTrace } from '../engine/token-trace.js';
import { locateTraces } from '../run-store/locate-traces.js';
import { readScoreLines } from '../run-store/read-score-lines.js';
import { runCompleteness, type Completeness } from '../run-store/run-complete.js';
import { readRunManifest, type RunManifest } from '../run-store/run-manifest.js';
import type { ResponseScoreRecord, ScoreRecord } from '../run-store/score-record.js';
import { hasScores, scoresPath } from '../run-store/scores-file.js';
import { readSummaryFile } from '../run-store/summary-file.js';
import { TraceSource } from '../run-store/trace-source.js';

/** A run folder as written: what `endorm report`, `rescore` and `show` read, without the model. */
export interface RunContents {
  dir: string;
  /** run.json: what the scores mean (model, dataset and its sha256, settings). */
  manifest: RunManifest;
  /** summary.json as written; undefined before the run finished (summarizeRun builds one from the scores). */
  summary: RunSummary | undefined;
  /** Every line of scores.jsonl in file order (a resumed run may repeat a line: the later one counts). */
  lines: ScoreRecord[];
  /** The 1-based number of a torn last line that was left out (a run stopped mid-write), else null. */
  tornLine: number | null;
  /**
   * Whether the folder is a finished run (run-store/run-complete.ts): when `complete` is false, `reason` says why and
   * the lines are those of a run that stopped part way (or is still being written), not a run's results.
   */
  completeness: Completeness;
}

/**
 * Reads a run folder's run.json, summary.json and scores.jsonl (in memory: about 300 bytes a line). An unfinished run
 * is read too, flagged by `completeness` (the commands refuse it; see requireComplete).
 */
export async function readRun(dir: string): Promise<RunContents> {
  const manifest = await readRunManifest(dir);
  const summary = (await readSummaryFile(dir)) as RunSummary | undefined;
  const lines: ScoreRecord[] = [];
  const read = (await hasScores(dir)) ? await readScoreLines(scoresPath(dir), (line) => lines.push(line)) : { tornLine: null };
  return { dir, manifest, summary, lines, tornLine: read.tornLine, completeness: await runCompleteness(dir, manifest) };
}

/** A run's token traces (its own, or those of the run it was rescored or merged from). */
export interface RunTraces {
  /** The temperatures the traces hold logsumexp values for. */
  alphas: readonly number[];
  /** The trace of a response line; undefined when that response has none. */
  read(line: Pick<ResponseScoreRecord, 'pair' | 'role' | 'index'>): Promise<TokenTrace | undefined>;
  close(): Promise<void>;
}

/** Opens a run's token traces; a RunFolderError when it has none (scored with --no-traces). Close them when done. */
export async function openRunTraces(dir: string): Promise<RunTraces> {
  const source = await TraceSource.open(await locateTraces(dir));
  return {
    alphas: source.alphas,
    read: (line) => source.read({ pair: line.pair, role: line.role, index: line.index }),
    close: () => source.close(),
  };
}
