import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { endormCacheRoot } from '../model/cache-root.js';
import { buildScoringGraph, SCORING_GRAPH_VERSION } from './build-scoring-graph.js';
import { moveInitializersToFile } from './external-data.js';
import { onnx } from './onnx-proto.js';
import type { ScoringHead } from './scoring-io.js';

export function defaultCacheDir(): string {
  return endormCacheRoot();
}

export interface PrepareOptions {
  /** The head variant to build (default `scan`); each variant is cached on its own. */
  head?: ScoringHead;
}

/**
 * Returns the path of the scoring graph for `onnxPath`, rewriting it only the first time: the rewrite of a 1 GB model
 * takes seconds, a cached file costs a stat. The key covers the source file's identity and the rewrite's version.
 */
export async function prepareScoringGraph(onnxPath: string, cacheDir = defaultCacheDir(), options: PrepareOptions = {}): Promise<string> {
  const head = options.head ?? 'scan';
  const source = await fs.realpath(onnxPath);
  const stat = await fs.stat(source);
  const key = createHash('sha256')
    // The Scan head's key predates head variants; keeping it keeps existing caches.
    .update(JSON.stringify({ v: SCORING_GRAPH_VERSION, source, size: stat.size, mtime: stat.mtimeMs, ...(head === 'scan' ? {} : { head }) }))
    .digest('hex')
    .slice(0, 24);
  const dir = path.join(cacheDir, 'graphs', key);
  const target = path.join(dir, path.basename(source));
  if (await exists(target)) return target;

  await fs.mkdir(dir, { recursive: true });
  const model = onnx.ModelProto.decode(await fs.readFile(source));
  const rewritten = buildScoringGraph(model, { head });
  await linkExternalData(rewritten, path.dirname(source), dir);
  // Aligned to 64 KiB (the mmap granularity of every platform onnxruntime runs on), so that onnxruntime memory-maps
  // the weights instead of parsing them into the protobuf and copying them into tensors: for a 1.3 GB model the
  // session loads in a quarter of the time and holds one copy of the weights instead of about 1.5 (README, Performance).
  await moveInitializersToFile(rewritten, dir, `${path.basename(source)}${ENDORM_DATA_SUFFIX}`, { alignment: 1 << 16 });
  const bytes = onnx.ModelProto.encode(onnx.ModelProto.create(rewritten)).finish();
  // Written under a temporary name and renamed, so a crash never leaves a graph that looks complete.
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  await fs.writeFile(tmp, bytes);
  await fs.rename(tmp, target);
  return target;
}

/** Suffix of the external data file that holds the weights of a rewritten graph whose source had them inline. */
export const ENDORM_DATA_SUFFIX = '.endorm_data';

/**
 * Weights in external data files are found relative to the graph file, and onnxruntime refuses any path that resolves
 * outside the graph's folder (symbolic links included). So the cache folder gets a hard link to each data file (no
 * copy, same bytes), or a copy where the cache sits on another file system.
 */
async function linkExternalData(model: object, sourceDir: string, cacheDir: string) {
  const graph = (model as { graph?: { initializer?: Array<{ externalData?: Array<{ key?: string | null; value?: string | null }> }> } }).graph;
  const locations = new Set<string>();
  for (const t of graph?.initializer ?? []) {
    for (const entry of t.externalData ?? []) if (entry.key === 'location' && entry.value) locations.add(entry.value);
  }
  for (const location of locations) {
    const target = path.join(cacheDir, location);
    const original = path.resolve(sourceDir, location);
    if (!(await exists(original))) {
      throw new Error(`external data file "${location}" referenced by the model is missing (looked for ${original})`);
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.rm(target, { force: true });
    try {
      await fs.link(original, target);
    } catch {
      const tmp = `${target}.tmp-${process.pid}`;
      await fs.copyFile(original, tmp);
      await fs.rename(tmp, target);
    }
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
