import path from 'node:path';
import { readRunManifest } from '../report/summarize-run.js';
import { RunFolderError } from '../report/run-folder-error.js';
import type { RunManifest } from '../run/run-manifest.js';
import { TRACE_FILES } from './trace-format.js';
import { hasTraces } from './trace-reader.js';

/**
 * The folder holding a run's token traces: the run itself, or, for a rescored run (which has none of its own), the
 * run it was rescored from, followed back as far as needed.
 */
export async function locateTraces(runDir: string, manifest?: RunManifest): Promise<string> {
  const seen = new Set<string>();
  let dir = runDir;
  let m = manifest ?? (await readRunManifest(runDir));
  for (;;) {
    if (await hasTraces(dir)) return dir;
    const from = m.settings['rescoredFrom'];
    if (typeof from !== 'string' || seen.has(path.resolve(from))) break;
    seen.add(path.resolve(dir));
    dir = from;
    m = await readRunManifest(dir);
  }
  throw new RunFolderError(
    `${runDir} has no token traces (no ${TRACE_FILES.index}): it was scored with --no-traces or by an endorm without traces; score it again to rescore or show it`,
    path.join(runDir, TRACE_FILES.index),
  );
}
