import fs from 'node:fs/promises';
import path from 'node:path';
import { RUN_FILES } from '../run-store/run-files.js';

/**
 * After a run that failed before its first score line, in a folder that run made itself: removes what it had written
 * (run.json, empty score and trace files), so that no half-made run is left to refuse the corrected command with
 * "settings differ". The lock stays for its owner to release (which removes the then empty folder). A folder with
 * any score line is kept: what was computed is never thrown away.
 */
export async function discardUnstartedRun(runDir: string): Promise<void> {
  const scores = await fs.stat(path.join(runDir, RUN_FILES.scores)).catch(() => undefined);
  if (scores !== undefined && scores.size > 0) return;
  const names = await fs.readdir(runDir).catch(() => [] as string[]);
  for (const name of names) {
    if (name === RUN_FILES.lock) continue;
    await fs.rm(path.join(runDir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}
