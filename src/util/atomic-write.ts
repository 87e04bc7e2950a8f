import fs from 'node:fs/promises';
import { writeFault } from './cannot-write-error.js';

/**
 * Writes through a temporary file beside the target and a rename, so that a reader (or a run resumed after a crash)
 * sees the old content or the new, never half of it. When the write fails (disk full, read-only, the target is a
 * folder) the temporary file is removed and a fault of the machine becomes a CannotWriteError naming `file`.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    await fs.writeFile(temporary, content, 'utf8');
    await fs.rename(temporary, file);
  } catch (err) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    throw writeFault(err, file);
  }
}
