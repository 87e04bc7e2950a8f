import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { writeFault } from '../util/cannot-write-error.js';
import { makeFolder } from '../util/make-folder.js';

/** Writes [name, text] files into `dir` (created if needed), each atomically; returns their paths in order. */
export async function writeTextFiles(dir: string, files: readonly (readonly [string, string])[]): Promise<string[]> {
  try {
    await makeFolder(dir);
  } catch (err) {
    throw writeFault(err, dir);
  }
  const written: string[] = [];
  for (const [name, text] of files) {
    const file = join(dir, name);
    await writeFileAtomic(file, text);
    written.push(file);
  }
  return written;
}
