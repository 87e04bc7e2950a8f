import fs from 'node:fs/promises';
import path from 'node:path';
import { isStreamInput } from '../datasets/byte-source.js';
import type { Pair } from '../datasets/pair.js';
import { RESUME_ADVICE, RUN_FILES } from '../run-store/run-files.js';
import { writeFault } from '../util/cannot-write-error.js';
import { RunFolderError } from '../run-store/run-folder-error.js';
import { clearComplete } from '../run-store/run-complete.js';
import { checkResumableManifest, hasManifest, readRunManifest, writeManifest, type RunManifest } from '../run-store/run-manifest.js';
import { comparisonSlot, responseSlot, scanScoreFile } from '../run-store/scan-scores.js';
import { cutScores, scoresBytes, scoresPath } from '../run-store/scores-file.js';
import { TRACE_FILES, traceKey, type TraceKey } from '../run-store/trace-format.js';
import { repairTraces } from '../run-store/trace-repair.js';
import { runDifferences } from './compare-runs.js';
import { SettingsError } from './settings-error.js';

/** The lines a run writes for every record: a response line per response, a comparison line per cell, or both. */
export interface ExpectedLines {
  responses: boolean;
  comparisons: boolean;
}

/**
 * Resuming a run folder. The contract, for every writer of per-response files beside scores.jsonl (traces): a line is
 * done iff it is in scores.jsonl (and, for a run that keeps traces, its response's trace verifies); a record is done iff
 * all its lines are. Lines are written batch by batch, so any record may be partly done, anywhere in the file: only its
 * missing lines are scored again. scores.jsonl is cut back to its whole lines, the traces to their last entry that
 * verifies (see run-store/trace-repair.ts), before the first append.
 */
export interface RunFolderState {
  /** run.json was already there: this run continues it. */
  resumed: boolean;
  /** Records whose every line is in scores.jsonl; the scorer skips them. */
  donePairs: ReadonlySet<string>;
  /** Records partly done: pair key -> its lines that are (responseSlot / comparisonSlot); the scorer runs the others. */
  doneLines: ReadonlyMap<string, ReadonlySet<string>>;
  /** Records in this run's slice of the dataset, counted when resuming a folder that has scores. */
  totalPairs?: number;
  /** What the resume did, for the summary's notes. */
  notes: string[];
}

export interface OpenRunFolderOptions {
  /** The lines every record gets (default: response lines only). */
  expected?: ExpectedLines;
  /** This run keeps token traces of its responses: a response line whose trace is missing or damaged is not done. */
  traces?: boolean;
}

/**
 * Opens `runDir` for `manifest`: a new folder gets run.json; a folder with run.json must hold a run with the same
 * model, dataset and settings (else a SettingsError naming each difference), and its scores.jsonl is cut back to whole
 * lines. `pairs` streams this run's records (after --limit and --shard); it is read only when there are scores.
 */
export async function openRunFolder(
  runDir: string,
  manifest: RunManifest,
  pairs: () => AsyncIterable<Pair>,
  options: OpenRunFolderOptions = {},
): Promise<RunFolderState> {
  const expected = options.expected ?? { responses: true, comparisons: false };
  const scoresFile = scoresPath(runDir);
  const fresh: RunFolderState = { resumed: false, donePairs: new Set(), doneLines: new Map(), notes: [] };
  if (!(await hasManifest(runDir))) {
    if ((await scoresBytes(runDir)) > 0) {
      throw new RunFolderError(`${runDir} has ${RUN_FILES.scores} but no ${RUN_FILES.manifest}: not a run endorm can continue; give another --out`, runDir);
    }
    await writeManifest(runDir, manifest);
    return fresh;
  }
  const existing = await readRunManifest(runDir);
  checkResumableManifest(runDir, existing);
  const differences = runDifferences(existing, manifest);
  if (differences.length) {
    throw new SettingsError(
      `${runDir} holds a run with other settings (there vs here: ${differences.join('; ')}); ` +
        `rerun with the same options (or just --resume ${runDir}), or give a new --out`,
    );
  }

  // From here until the run finishes again, the folder is not a finished run.
  await clearComplete(runDir);
  const scan = await scanScoreFile(scoresFile);
  const repair = await repairTraces(runDir);
  const lostIndex = !repair && options.traces === true && existing.settings.traces === true;
  // A folder scored with --no-traces has scores but no index: its lines stand without traces. One that recorded
  // traces and lost its index has none that can be verified: every traced line is scored again.
  const traced = options.traces && repair ? repair.traced : lostIndex ? new Set<string>() : undefined;
  const state: RunFolderState = { ...fresh, resumed: true, notes: [...(repair?.notes ?? [])] };
  if (lostIndex) state.notes.push(...(await dropUnindexedTraces(runDir)));
  if (scan.tornLine !== null) state.notes.push(`Resumed: ${RUN_FILES.scores} line ${scan.tornLine} was torn (a write cut short); it was removed and redone.`);
  if (scan.records.size > 0) {
    const done = new Set<string>();
    const partial = new Map<string, Set<string>>();
    const seen = new Set<string>();
    let total = 0;
    let missingLines = 0;
    for await (const pair of pairs()) {
      total++;
      seen.add(pair.key);
      const present = scan.records.get(pair.key);
      if (!present) continue;
      const lines = expectedLines(pair, expected);
      const kept = lines.filter((l) => present.has(l.slot) && (!traced || !l.trace || traced.has(traceKey(l.trace))));
      if (kept.length === lines.length) {
        done.add(pair.key);
      } else if (kept.length > 0) {
        partial.set(pair.key, new Set(kept.map((l) => l.slot)));
        missingLines += lines.length - kept.length;
      }
    }
    const strangers = [...scan.records.keys()].filter((k) => !seen.has(k));
    if (strangers.length) {
      throw new RunFolderError(
        `${scoresFile} has lines for ${strangers.length} record(s) that are not among this run's records ` +
          `(first: ${JSON.stringify(strangers[0])}); the file was edited or belongs to another run`,
        scoresFile,
      );
    }
    state.donePairs = done;
    state.doneLines = partial;
    state.totalPairs = total;
    state.notes.push(`Resumed: ${done.size} of ${total} records had been scored before.`);
    if (partial.size > 0) state.notes.push(`Resumed: ${partial.size} record(s) were partly scored; their ${missingLines} missing line(s) were scored now.`);
  }
  await cutScores(runDir, scan.validBytes);
  return state;
}

/**
 * A traced run whose traces.index.jsonl is gone: the bytes of traces.bin can no longer be told apart, so they go too
 * (the trace writer starts both files afresh), and every response is traced again.
 */
async function dropUnindexedTraces(runDir: string): Promise<string[]> {
  const data = path.join(runDir, TRACE_FILES.data);
  const size = await fs.lstat(data).then(
    (s) => s.size,
    () => undefined,
  );
  if (size !== undefined) await fs.rm(data).catch((err) => Promise.reject(writeFault(err, data, RESUME_ADVICE)));
  return [
    `Resumed: ${TRACE_FILES.index} was missing, so no trace could be verified: ` +
      (size !== undefined ? `the ${size} byte(s) of ${TRACE_FILES.data} were removed and ` : '') +
      'every response was scored and traced again.',
  ];
}

/**
 * A run folder that holds a run is continued by reading the dataset twice (what is done, then the rest), which a stream
 * (stdin, a pipe, a FIFO) cannot give; refused before anything waits on the stream.
 */
export async function refuseStreamResume(dataset: string, runDir: string): Promise<void> {
  if (!(await isStreamInput(dataset)) || !(await hasManifest(runDir))) return;
  throw new SettingsError(
    `${runDir} holds a run, which cannot be resumed from ${dataset === '-' ? 'stdin' : dataset}: a stream (stdin, a pipe or a FIFO) ` +
      `cannot be read again to see what is done; give a new --out (to be able to resume, save the stream to a file and score the file)`,
  );
}

/** Every line a record gets, and for a response line the trace it comes with. */
function expectedLines(pair: Pair, expected: ExpectedLines): { slot: string; trace?: TraceKey }[] {
  const lines: { slot: string; trace?: TraceKey }[] = [];
  if (expected.responses) {
    for (const role of ['chosen', 'rejected'] as const) {
      pair[role].forEach((_, index) => lines.push({ slot: responseSlot(role, index), trace: { pair: pair.key, role, index } }));
    }
  }
  if (expected.comparisons) pair.chosen.forEach((_, i) => pair.rejected.forEach((_, j) => lines.push({ slot: comparisonSlot(i, j) })));
  return lines;
}

/** The pairs not yet done. */
export async function* skipDone(pairs: AsyncIterable<Pair>, done: ReadonlySet<string>): AsyncIterable<Pair> {
  for await (const pair of pairs) if (!done.has(pair.key)) yield pair;
}

/** The dataset options that decide what the records are; run.json keeps those given, and a resume must match them. */
export const PINNED_DATASET_OPTIONS = ['format', 'promptField', 'chosenField', 'rejectedField', 'systemField', 'idField', 'groupField', 'dedupeIds'] as const;
export type PinnedDatasetOption = (typeof PINNED_DATASET_OPTIONS)[number];

/** run.json's `dataset.options` entry: the pinned options that were given (not 'auto'); none given, no entry. */
export function pinnedDatasetOptions(options: { readonly [K in PinnedDatasetOption]?: string | boolean } = {}): { options?: Record<string, string> } {
  const given = PINNED_DATASET_OPTIONS.flatMap((k) => (options[k] !== undefined && options[k] !== 'auto' ? [[k, String(options[k])]] : []));
  return given.length ? { options: Object.fromEntries(given) } : {};
}
