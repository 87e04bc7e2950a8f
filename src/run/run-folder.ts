import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { RunManifest } from './run-manifest.js';
import type { ScoreRecord } from './score-record.js';

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

export async function writeManifest(dir: string, manifest: RunManifest): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, RUN_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');
}

export async function readManifest(dir: string): Promise<RunManifest> {
  const file = path.join(dir, RUN_FILES.manifest);
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not a run folder (no run.json)' : (err as Error).message}`);
  }
}

/**
 * Appends records to scores.jsonl and syncs them to disk before returning, so a crash loses at most the batch in
 * flight. Each call writes whole lines in one write.
 */
export class ScoresWriter {
  private constructor(private readonly handle: fs.FileHandle) {}

  static async open(dir: string): Promise<ScoresWriter> {
    await fs.mkdir(dir, { recursive: true });
    return new ScoresWriter(await fs.open(path.join(dir, RUN_FILES.scores), 'a'));
  }

  async append(records: ScoreRecord[]): Promise<void> {
    if (records.length === 0) return;
    // appendFile writes until every byte is out (a bare write may stop short); a crash mid-way leaves a torn tail
    // that resuming cuts away.
    await this.handle.appendFile(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

export async function pathExists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
