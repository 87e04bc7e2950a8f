import { rename, writeFile } from 'node:fs/promises';

/**
 * Writes through a temporary file beside the target and a rename, so that a reader (or a run resumed after a crash)
 * sees the old content or the new, never half of it.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}`;
  await writeFile(temporary, content, 'utf8');
  await rename(temporary, file);
}
