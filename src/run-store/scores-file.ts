import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFault } from '../util/cannot-write-error.js';
import { RESUME_ADVICE, RUN_FILES } from './run-files.js';

/** A run folder's scores.jsonl (read with readScoreLines or scanScoreFile, appended to with ScoresWriter). */
export function scoresPath(runDir: string): string {
  return path.join(runDir, RUN_FILES.scores);
}

/** Whether the folder has a scores.jsonl (a run that scored nothing yet has none). */
export async function hasScores(runDir: string): Promise<boolean> {
  return fs.stat(scoresPath(runDir)).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Its size in bytes; 0 when there is none. */
export async function scoresBytes(runDir: string): Promise<number> {
  return fs.stat(scoresPath(runDir)).then(
    (s) => s.size,
    () => 0,
  );
}

/** Cuts it back to its first `bytes` (a resumed run drops the torn or incomplete tail it redoes). */
export async function cutScores(runDir: string, bytes: number): Promise<void> {
  if (bytes >= (await scoresBytes(runDir))) return;
  await fs.truncate(scoresPath(runDir), bytes).catch((err) => Promise.reject(writeFault(err, scoresPath(runDir), RESUME_ADVICE)));
}

/** Removes it (an earlier rescore's, about to be written again). */
export async function removeScores(runDir: string): Promise<void> {
  await fs.rm(scoresPath(runDir), { force: true }).catch((err) => Promise.reject(writeFault(err, scoresPath(runDir))));
}

/** Writes `targetDir`'s scores.jsonl as the first `bytes` of each source run's, one after another, and syncs it. */
export async function concatenateScores(sources: readonly { dir: string; bytes: number }[], targetDir: string): Promise<void> {
  const target = scoresPath(targetDir);
  const handle = await fs.open(target, 'w').catch((err) => Promise.reject(writeFault(err, target)));
  try {
    for (const { dir, bytes } of sources) {
      if (bytes === 0) continue;
      const source = createReadStream(scoresPath(dir), { start: 0, end: bytes - 1 });
      for await (const chunk of source as AsyncIterable<Buffer>) await handle.writeFile(chunk).catch((err) => Promise.reject(writeFault(err, target)));
    }
    await handle.datasync().catch((err) => Promise.reject(writeFault(err, target)));
  } finally {
    await handle.close();
  }
}
