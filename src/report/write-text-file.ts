import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes through a temporary file and a rename, so a reader never sees half a report after a crash. */
export async function writeTextFile(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, file);
}

/** Writes [name, text] files into `dir` (created if needed), each as writeTextFile does; returns their paths in order. */
export async function writeTextFiles(dir: string, files: readonly (readonly [string, string])[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of files) {
    const file = join(dir, name);
    await writeTextFile(file, text);
    written.push(file);
  }
  return written;
}
