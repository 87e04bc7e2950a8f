import path from 'node:path';
import { RunFolderError } from './run-folder-error.js';
import { readRunManifest, type RunManifest } from './run-manifest.js';
import { TRACE_FILES } from './trace-format.js';
import { hasTraces } from './trace-reader.js';

/**
 * The folders holding a run's token traces: the run itself; for a rescored run (which has none of its own) the run it
 * was rescored from; for a merged run the shards it was merged from; followed back as far as needed.
 */
export async function locateTraces(runDir: string, manifest?: RunManifest): Promise<string[]> {
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = async (dir: string, m?: RunManifest): Promise<void> => {
    const key = path.resolve(dir);
    if (seen.has(key)) return;
    seen.add(key);
    if (await hasTraces(dir)) {
      found.push(dir);
      return;
    }
    const run = m ?? (await readRunManifest(dir));
    const from = run.settings['rescoredFrom'];
    if (typeof from === 'string') await visit(from);
    const merged = (run as { mergedFrom?: { path?: unknown }[] }).mergedFrom;
    if (Array.isArray(merged)) for (const shard of merged) if (typeof shard?.path === 'string') await visit(shard.path);
  };
  await visit(runDir, manifest);
  if (found.length === 0) {
    throw new RunFolderError(
      `${runDir} has no token traces (no ${TRACE_FILES.index}): it was scored with --no-traces or by an endorm without traces; score it again to rescore or show it`,
      path.join(runDir, TRACE_FILES.index),
    );
  }
  return found;
}
