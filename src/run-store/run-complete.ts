import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { writeFault } from '../util/cannot-write-error.js';
import { RESUME_ADVICE, RUN_FILES } from './run-files.js';
import { RunFolderError } from './run-folder-error.js';
import { describeHolder, lockStatus, RunLockedError } from './run-lock.js';
import type { RunManifest } from './run-manifest.js';
import { scanScoreFile } from './scan-scores.js';
import { scoresPath } from './scores-file.js';
import { readSummaryFile } from './summary-file.js';

/**
 * complete.json: written last by the writer that finished a run folder (score after its last record, rescore, merge),
 * after its summary and reports; removed first by any writer that changes the folder again (a resume, a redone rescore
 * or merge). A folder without it is not a finished run, whatever else it holds.
 */
export interface CompleteMarker {
  complete: true;
  /** The command that finished the folder. */
  writtenBy: 'score' | 'rescore' | 'merge';
  finishedAt: string;
  /** Records and lines in scores.jsonl when it finished, and its size: a later change of the file shows. */
  records: number;
  lines: number;
  scoresBytes: number;
}

export type Completeness =
  | { complete: true; marker?: CompleteMarker; note?: string }
  | { complete: false; reason: string; advice: string; live?: boolean; olderRun?: boolean };

/** Removes complete.json before the folder changes: from here until markComplete it is not a finished run. */
export async function clearComplete(dir: string): Promise<void> {
  const file = path.join(dir, RUN_FILES.complete);
  await fs.rm(file, { force: true }).catch((err) => Promise.reject(writeFault(err, file, RESUME_ADVICE)));
}

/** Writes complete.json with the counts of the folder's scores.jsonl as it stands: the writer's last act. */
export async function markComplete(dir: string, writtenBy: CompleteMarker['writtenBy']): Promise<CompleteMarker> {
  const scan = await scanScoreFile(scoresPath(dir));
  let lines = 0;
  for (const slots of scan.records.values()) lines += slots.size;
  const marker: CompleteMarker = { complete: true, writtenBy, finishedAt: new Date().toISOString(), records: scan.records.size, lines, scoresBytes: scan.validBytes };
  await writeFileAtomic(path.join(dir, RUN_FILES.complete), JSON.stringify(marker, null, 2) + '\n');
  return marker;
}

/**
 * Whether `dir` holds a finished run. A run that records completeness (its run.json has settingsSha256) is finished
 * iff complete.json is there and scores.jsonl still has the size it recorded. An older run (without settingsSha256)
 * is finished iff its summary.json has the scorer's finishedAt and counts every record scores.jsonl holds, with no
 * torn line: what `merge` checked before completeness was recorded.
 */
export async function runCompleteness(dir: string, manifest: RunManifest): Promise<Completeness> {
  const lock = await lockStatus(dir);
  if (lock?.live) {
    return { complete: false, live: true, reason: `it is being written by ${describeHolder(lock.holder)}`, advice: 'wait for that command to finish' };
  }
  const advice = adviceFor(dir, manifest);
  if (manifest.settingsSha256 !== undefined) {
    const marker = await readMarker(dir);
    if (!marker) return { complete: false, reason: `it has no ${RUN_FILES.complete}: the command writing it stopped before it finished`, advice };
    const bytes = await fs.stat(scoresPath(dir)).then(
      (s) => s.size,
      () => 0,
    );
    if (bytes !== marker.scoresBytes) {
      return { complete: false, reason: `${RUN_FILES.scores} has ${bytes} bytes but ${RUN_FILES.complete} recorded ${marker.scoresBytes}: it changed after the run finished`, advice };
    }
    return { complete: true, marker };
  }
  const summary = await readSummaryFile(dir);
  const timing = summary?.['timing'] as { finishedAt?: unknown } | undefined;
  const counts = summary?.['counts'] as { pairs?: unknown } | undefined;
  const scan = await scanScoreFile(scoresPath(dir));
  if (typeof timing?.finishedAt !== 'string' || scan.tornLine !== null) {
    return { complete: false, olderRun: true, reason: `it records no completeness (an older endorm wrote it) and its ${RUN_FILES.summary} does not say it finished`, advice };
  }
  if (counts?.pairs !== scan.records.size) {
    return { complete: false, olderRun: true, reason: `${RUN_FILES.scores} holds ${scan.records.size} records but its ${RUN_FILES.summary} counted ${String(counts?.pairs)}: it changed after the run finished`, advice };
  }
  return { complete: true, note: `${dir} was written by an older endorm that did not record completeness; its ${RUN_FILES.summary} says it finished, with every record counted` };
}

/**
 * Refuses a folder that is not a finished run: exit 7 while a live process writes it, else a RunFolderError (exit 3)
 * saying why and how to finish it. `what` names the reader (`report`, `rescore`, …). A run written before completeness
 * was recorded cannot be told finished or not from its files alone: it is read as it stands, with a note (returned)
 * saying so, which the command prints.
 */
export async function requireComplete(dir: string, manifest: RunManifest, what: string): Promise<string | undefined> {
  const state = await runCompleteness(dir, manifest);
  if (state.complete) return state.note;
  if (state.olderRun) return `${dir} was written by an older endorm that did not record completeness, and ${state.reason.replace(/^it records no completeness \(an older endorm wrote it\) and /, '')}: read as it stands, it may not hold every record`;
  const message = `${dir} is not a finished run, which ${what} reads only: ${state.reason}; ${state.advice}`;
  if (state.live) throw new RunLockedError(message, (await lockStatus(dir))?.holder);
  throw new IncompleteRunError(message, dir);
}

/** A run folder that is not finished (exit 3, like any run folder that cannot be read as a run). */
export class IncompleteRunError extends RunFolderError {
  override name = 'IncompleteRunError';
}

function adviceFor(dir: string, manifest: RunManifest): string {
  if (Array.isArray(manifest.mergedFrom)) return `run the same endorm merge again (it redoes ${dir})`;
  if (typeof manifest.settings['rescoredFrom'] === 'string') return `run the same endorm rescore again (it redoes ${dir})`;
  return `finish it with: endorm score --resume ${dir}`;
}

async function readMarker(dir: string): Promise<CompleteMarker | undefined> {
  try {
    const value = JSON.parse(await fs.readFile(path.join(dir, RUN_FILES.complete), 'utf8')) as Partial<CompleteMarker>;
    return value?.complete === true && typeof value.scoresBytes === 'number' ? (value as CompleteMarker) : undefined;
  } catch {
    return undefined;
  }
}
