import { rename, writeFile } from 'node:fs/promises';

/** Writes through a temporary file and a rename, so a reader never sees half a report after a crash. */
export async function writeTextFile(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, file);
}
