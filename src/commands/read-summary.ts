import fs from 'node:fs/promises';
import path from 'node:path';
import { RUN_FILES } from '../run/run-folder.js';

export async function readSummary(runDir: string): Promise<Record<string, any>> {
  return JSON.parse(await fs.readFile(path.join(runDir, RUN_FILES.summary), 'utf8'));
}
