import { isStreamInput } from '../datasets/byte-source.js';
import type { Pair } from '../datasets/pair.js';
import { RUN_FILES } from '../run-store/run-files.js';
import { RunFolderError } from '../run-store/run-folder-error.js';
import { hasManifest, readRunManifest, writeManifest, type RunManifest } from '../run-store/run-manifest.js';
import { comparisonSlot, responseSlot, scanScoreFile } from '../run-store/scan-scores.js';
import { cutScores, scoresBytes, scoresPath } from '../run-store/scores-file.js';
import { runDifferences } from './compare-runs.js';
import { SettingsError } from './settings-error.js';

/** The lines a run writes for every record: a response line per response, a comparison line per cell, or both. */
export interface ExpectedLines {
  responses: boolean;
  comparisons: boolean;
}

/**
 * Resuming a run folder. The contract, for every writer of per-response files beside scores.jsonl (traces): a record
 * is done iff all its lines are in scores.jsonl; anything else written for a record that is not in `donePairs` is
 * stale and is written again. scores.jsonl is cut back, before the first append, to its whole records.
 */
export interface RunFolderState {
  /** run.json was already there: this run continues it. */
  resumed: boolean;
  /** Records whose every response line is in scores.jsonl; the scorer skips them. */
  donePairs: ReadonlySet<string>;
  /** Records in this run's slice of the dataset, counted when resuming a folder that has scores. */
  totalPairs?: number;
  /** What the resume did, for the summary's notes. */
  notes: string[];
}

/**
 * Opens `runDir` for `manifest`: a new folder gets run.json; a folder with run.json must hold a run with the same
 * model, dataset and settings (else a SettingsError naming each difference), and its scores.jsonl is cut back to whole
 * records. `pairs` streams this run's records (after --limit and --shard); it is read only when there are scores.
 */
export async function openRunFolder(
  runDir: string,
  manifest: RunManifest,
  pairs: () => AsyncIterable<Pair>,
  expected: ExpectedLines = { responses: true, comparisons: false },
): Promise<RunFolderState> {
  const scoresFile = scoresPath(runDir);
  const fresh: RunFolderState = { resumed: false, donePairs: new Set(), notes: [] };
  if (!(await hasManifest(runDir))) {
    if ((await scoresBytes(runDir)) > 0) {
      throw new RunFolderError(`${runDir} has ${RUN_FILES.scores} but no ${RUN_FILES.manifest}: not a run endorm can continue; give another --out`, runDir);
    }
    await writeManifest(runDir, manifest);
    return fresh;
  }
  const existing = await readRunManifest(runDir);
  const differences = runDifferences(existing, manifest);
  if (differences.length) {
    throw new SettingsError(
      `${runDir} holds a run with other settings (there vs here: ${differences.join('; ')}); ` +
        `rerun with the same options (or just --resume ${runDir}), or give a new --out`,
    );
  }

  const scan = await scanScoreFile(scoresFile);
  const state: RunFolderState = { ...fresh, resumed: true };
  let keep = scan.validBytes;
  if (scan.tornLine !== null) state.notes.push(`Resumed: ${RUN_FILES.scores} line ${scan.tornLine} was torn (a write cut short); it was removed and redone.`);
  if (scan.records.size > 0) {
    const done = new Set<string>();
    const seen = new Set<string>();
    let total = 0;
    for await (const pair of pairs()) {
      total++;
      seen.add(pair.key);
      const present = scan.records.get(pair.key);
      if (!present) continue;
      const slots = expectedSlots(pair, expected);
      const missing = slots.filter((s) => !present.has(s)).length;
      if (missing === 0) {
        done.add(pair.key);
      } else if (pair.key === scan.tail?.key) {
        keep = scan.tail.start;
        state.notes.push(`Resumed: record ${pair.key} had ${slots.length - missing} of its ${slots.length} lines at the end of ${RUN_FILES.scores}; it was redone.`);
      } else {
        throw new RunFolderError(
          `${scoresFile}: record ${pair.key} has ${slots.length - missing} of its ${slots.length} lines, and not at the end ` +
            `of the file, so no interrupted endorm run wrote it; remove its lines or start a new run`,
          scoresFile,
        );
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
    state.totalPairs = total;
    state.notes.push(`Resumed: ${done.size} of ${total} records had been scored before.`);
  }
  await cutScores(runDir, keep);
  return state;
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

function expectedSlots(pair: Pair, expected: ExpectedLines): string[] {
  const slots: string[] = [];
  if (expected.responses) {
    slots.push(...pair.chosen.map((_, i) => responseSlot('chosen', i)), ...pair.rejected.map((_, i) => responseSlot('rejected', i)));
  }
  if (expected.comparisons) pair.chosen.forEach((_, i) => pair.rejected.forEach((_, j) => slots.push(comparisonSlot(i, j))));
  return slots;
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
