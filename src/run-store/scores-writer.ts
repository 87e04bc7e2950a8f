import fs from 'node:fs/promises';
import path from 'node:path';
import { RUN_FILES } from './run-files.js';
import type { ScoreRecord } from './score-record.js';

/**
 * Appends records to scores.jsonl and syncs them to disk before returning, so a crash loses at most the batch in
 * flight. Each call writes whole lines in one write.
 */
export class ScoresWriter {
  private constructor(private readonly handle: fs.FileHandle) {}

  static async open(dir: string): Promise<ScoresWriter> {
    await fs.mkdir(dir, { recursive: true });
    return new ScoresWriter(await fs.open(path.join(dir, RUN_FILES.scores), 'a'));
  }

  async append(records: ScoreRecord[]): Promise<void> {
    if (records.length === 0) return;
    // appendFile writes until every byte is out (a bare write may stop short); a crash mid-way leaves a torn tail
    // that resuming cuts away.
    await this.handle.appendFile(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
