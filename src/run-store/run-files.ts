import fs from 'node:fs/promises';
import path from 'node:path';

/** The files of a run folder endorm reads and writes (token traces: see trace-format.ts). */
export const RUN_FILES = {
  manifest: 'run.json',
  scores: 'scores.jsonl',
  summary: 'summary.json',
  /** Held by the one process writing the folder (see run-lock.ts). */
  lock: 'run.lock',
  /** Written last by the writer that finished the run, with the counts it covers (see run-complete.ts). */
  complete: 'complete.json',
} as const;

/** What to do after a run folder could not be written: everything written before the fault is kept and resumes. */
export const RESUME_ADVICE = 'free some space (or make it writable) and run the same command again: what was written is kept and the run resumes';

/** `results/<dataset>-<model>-<time>`: sortable by time, readable at a glance. */
export function defaultRunDir(datasetName: string, modelSpec: string, now = new Date()): string {
  const model = path.basename(modelSpec.replace(/\/+$/, '')) || 'model';
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const safe = (s: string) => s.replace(/[^\w.-]+/g, '_');
  return path.join('results', `${safe(datasetName)}-${safe(model)}-${stamp}`);
}

export async function pathExists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
