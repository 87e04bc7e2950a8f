import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * `mkdir -p` whose error says why: a recursive mkdir reports ENOENT where a plain one would say EROFS or EACCES, so on
 * failure the first missing folder is made alone, and its error (the real reason) is the one thrown.
 */
export async function makeFolder(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (err) {
    let first = dir;
    while (path.dirname(first) !== first && !(await fs.stat(path.dirname(first)).catch(() => undefined))) first = path.dirname(first);
    await fs.mkdir(first);
    throw err;
  }
}
