import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFault } from '../util/cannot-write-error.js';
import { makeFolder } from '../util/make-folder.js';
import { RESUME_ADVICE, RUN_FILES } from './run-files.js';
import type { ScoreRecord } from './score-record.js';

/**
 * Appends records to scores.jsonl and syncs them to disk before returning, so a crash loses at most the batch in
 * flight. Each call writes whole lines in one write; one that fails (disk full) is cut back off and becomes a
 * CannotWriteError naming the file.
 */
export class ScoresWriter {
  private constructor(
    private readonly file: string,
    private readonly handle: fs.FileHandle,
    private size: number,
  ) {}

  static async open(dir: string): Promise<ScoresWriter> {
    const file = path.join(dir, RUN_FILES.scores);
    try {
      await makeFolder(dir);
      const handle = await fs.open(file, 'a');
      return new ScoresWriter(file, handle, (await handle.stat()).size);
    } catch (err) {
      throw writeFault(err, file, RESUME_ADVICE);
    }
  }

  async append(records: ScoreRecord[]): Promise<void> {
    if (records.length === 0) return;
    const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
    try {
      // appendFile writes until every byte is out (a bare write may stop short).
      await this.handle.appendFile(text);
      await this.handle.datasync();
    } catch (err) {
      // A torn tail would be cut by the next resume anyway; cutting it now keeps the file whole for readers meanwhile.
      await this.handle.truncate(this.size).catch(() => undefined);
      throw writeFault(err, this.file, RESUME_ADVICE);
    }
    this.size += Buffer.byteLength(text);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
