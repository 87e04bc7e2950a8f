import fs from 'node:fs/promises';
import { RUN_FILES } from '../run-store/run-files.js';
import { isOrphanTemp } from '../run-store/run-lock.js';
import { CannotWriteError, writeFault } from '../util/cannot-write-error.js';
import { SettingsError } from './settings-error.js';

/** Names in a run folder that are endorm's own bookkeeping, not a user's files: the lock and its staged copies. */
const OWN_NAME = new RegExp(`^${RUN_FILES.lock.replace('.', '\\.')}(?:$|\\.)`);

/**
 * Checks, before anything is written, that `--out` can take a run: a file there (or on the way) is exit 6; a folder
 * with files but no run.json is refused (exit 2) unless `force`, so that a user's files are never overwritten. A
 * folder holding a run (resumed or refused by the caller's own checks), an empty one or none at all is fine.
 */
export async function checkOutFolder(dir: string, o: { force?: boolean; forceOption?: string } = {}): Promise<void> {
  let names: string[];
  try {
    const stat = await fs.stat(dir);
    if (!stat.isDirectory()) throw new CannotWriteError(`cannot write into --out ${dir}: it is a file, not a folder; give a folder`, dir, 'ENOTDIR');
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw writeFault(err, dir, 'give another --out');
  }
  if (names.includes(RUN_FILES.manifest) || o.force) return;
  const theirs = names.filter((n) => !OWN_NAME.test(n) && !isOrphanTemp(n)).sort();
  if (theirs.length === 0) return;
  const shown = theirs.slice(0, 3).map((n) => JSON.stringify(n)).join(', ');
  throw new SettingsError(
    `--out ${dir} is not empty (${theirs.length} entr${theirs.length === 1 ? 'y' : 'ies'}: ${shown}${theirs.length > 3 ? ', …' : ''}) and holds no endorm run ` +
      `(no ${RUN_FILES.manifest}), so writing there could overwrite its files; give a new or empty folder` +
      (o.forceOption ? `, or ${o.forceOption} to write into it anyway` : ''),
  );
}
