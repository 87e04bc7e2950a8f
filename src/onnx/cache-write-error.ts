import path from 'node:path';
import { CannotWriteError } from '../util/cannot-write-error.js';

const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);
const NOT_WRITABLE: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

/**
 * The error to report when writing a scoring graph into `targetDir`, in the cache folder `cacheDir`, failed for a
 * reason of the machine (disk full, read-only or foreign cache), or undefined when `err` is something else (such as an
 * unreadable model, whose path lies outside the cache). Such failures are not damaged models but faults of the machine
 * (exit 6, "cannot write results"): they name the folder and what to do.
 */
export function cacheWriteError(err: unknown, cacheDir: string, targetDir: string, neededBytes: number): CannotWriteError | undefined {
  const e = err as NodeJS.ErrnoException & { dest?: string };
  if (!e || typeof e.code !== 'string') return undefined;
  if (NO_SPACE.has(e.code)) {
    return new CannotWriteError(
      `cannot write the scoring graph into ${targetDir}: no space left on the device (${e.code})` +
        `${neededBytes > 0 ? `; the graph needs about ${megabytes(neededBytes)} there` : ''}. ` +
        `Free some space, or point ENDORM_CACHE at a folder on a larger disk`,
      targetDir,
      e.code,
    );
  }
  const reason = NOT_WRITABLE[e.code];
  if (reason && [e.path, e.dest].some((p) => p !== undefined && isInside(p, cacheDir))) {
    return new CannotWriteError(
      `the scoring graph cache ${cacheDir} cannot be written (${reason}: ${e.code} on ${e.path ?? targetDir}); ` +
        `point ENDORM_CACHE at a writable folder`,
      cacheDir,
      e.code,
    );
  }
  return undefined;
}

/** Checks before writing that the disk holding `dir` has room, so a large model fails at once rather than after minutes. */
export function notEnoughSpace(dir: string, neededBytes: number, availableBytes: number): CannotWriteError | undefined {
  if (availableBytes >= neededBytes) return undefined;
  return new CannotWriteError(
    `cannot write the scoring graph into ${dir}: it needs about ${megabytes(neededBytes)} and the disk has ` +
      `${megabytes(availableBytes)} free. Free some space, or point ENDORM_CACHE at a folder on a larger disk`,
    dir,
    'ENOSPC',
  );
}

function megabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

function isInside(p: string, dir: string): boolean {
  const relative = path.relative(path.resolve(dir), path.resolve(p));
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}
