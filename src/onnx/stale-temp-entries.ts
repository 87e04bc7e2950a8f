import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { processAlive } from '../util/process-alive.js';

/** A temporary entry younger than this may belong to a build on another machine sharing the cache: left alone. */
export const STALE_TEMP_MS = 10 * 60 * 1000;

const TEMP_NAME = /\.(?:tmp|old)-(\d+)-[0-9a-f]{12}$/;

/**
 * A name beside `finalPath` for work in progress (`tmp`) or a replaced entry being deleted (`old`), unique per process
 * and attempt, and carrying the pid so that a later run can tell whether its writer is still alive.
 */
export function tempPath(finalPath: string, kind: 'tmp' | 'old' = 'tmp'): string {
  return `${finalPath}.${kind}-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/**
 * Removes the temporary files and folders in `dir` (named by tempPath) that a killed or failed build left: those whose
 * process is gone from this machine and in which nothing was written for STALE_TEMP_MS. SIGKILL and power loss give a
 * build no chance to clean up, so the next one does.
 */
export async function removeStaleTempEntries(dir: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const pid = TEMP_NAME.exec(name)?.[1];
    if (pid === undefined || processAlive(Number(pid))) continue;
    const entry = path.join(dir, name);
    const newest = await newestMtime(entry);
    if (newest === undefined || now - newest < STALE_TEMP_MS) continue;
    try {
      await fs.rm(entry, { recursive: true, force: true });
      removed.push(entry);
    } catch {
      // A read-only cache keeps its leftovers; they cost disk, never correctness.
    }
  }
  return removed;
}

/** The latest modification time in a file or folder tree: a build in progress keeps writing its data file. */
async function newestMtime(entry: string): Promise<number | undefined> {
  const stat = await fs.lstat(entry).catch(() => undefined);
  if (!stat) return undefined;
  let newest = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const name of await fs.readdir(entry).catch(() => [] as string[])) {
      newest = Math.max(newest, (await newestMtime(path.join(entry, name))) ?? 0);
    }
  }
  return newest;
}
