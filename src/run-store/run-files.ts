import fs from 'node:fs/promises';
import path from 'node:path';

/** The files of a run folder endorm reads and writes (token traces: see trace-format.ts). */
export const RUN_FILES = {
  manifest: 'run.json',
  scores: 'scores.jsonl',
  summary: 'summary.json',
} as const;

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
