import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { buildScoringGraph, SCORING_GRAPH_VERSION } from './build-scoring-graph.js';
import { onnx } from './onnx-proto.js';

export function defaultCacheDir(): string {
  return process.env.ENDORM_CACHE || path.join(process.env.HOME || '.', '.cache', 'endorm');
}

/**
 * Returns the path of the scoring graph for `onnxPath`, rewriting it only the first time: the rewrite of a 1 GB model
 * takes seconds, a cached file costs a stat. The key covers the source file's identity and the rewrite's version.
 */
export async function prepareScoringGraph(onnxPath: string, cacheDir = defaultCacheDir()): Promise<string> {
  const source = await fs.realpath(onnxPath);
  const stat = await fs.stat(source);
  const key = createHash('sha256')
    .update(JSON.stringify({ v: SCORING_GRAPH_VERSION, source, size: stat.size, mtime: stat.mtimeMs }))
    .digest('hex')
    .slice(0, 24);
  const dir = path.join(cacheDir, 'graphs', key);
  const target = path.join(dir, path.basename(source));
  if (await exists(target)) return target;

  await fs.mkdir(dir, { recursive: true });
  const model = onnx.ModelProto.decode(await fs.readFile(source));
  const rewritten = buildScoringGraph(model);
  await linkExternalData(rewritten, path.dirname(source), dir);
  await writeInitializersExternally(rewritten, dir, `${path.basename(source)}${ENDORM_DATA_SUFFIX}`);
  const bytes = onnx.ModelProto.encode(onnx.ModelProto.create(rewritten)).finish();
  // Written under a temporary name and renamed, so a crash never leaves a graph that looks complete.
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  await fs.writeFile(tmp, bytes);
  await fs.rename(tmp, target);
  return target;
}

/** Suffix of the external data file that holds the weights of a rewritten graph whose source had them inline. */
export const ENDORM_DATA_SUFFIX = '.endorm_data';
/** Initializers at least this large leave the graph file. */
const EXTERNAL_MIN_BYTES = 1024;
/** Offsets in the data file are multiples of this (64 KiB: the mmap granularity of every platform onnxruntime runs on). */
const EXTERNAL_ALIGNMENT = 1 << 16;

/**
 * Moves the large inline initializers into an external data file at aligned offsets, so that onnxruntime memory-maps
 * the weights instead of parsing them into the protobuf and copying them into tensors: for a 1.3 GB model the session
 * loads in a quarter of the time and holds one copy of the weights instead of about 1.5 (see README, Performance).
 * Initializers already external (linked by linkExternalData) stay where they are.
 */
async function writeInitializersExternally(model: object, dir: string, dataName: string): Promise<void> {
  type Initializer = { rawData?: Uint8Array | null; externalData?: Array<{ key?: string | null; value?: string | null }> | null; dataLocation?: number | null };
  const initializers = ((model as { graph?: { initializer?: Initializer[] } }).graph?.initializer ?? []).filter(
    (t) => t.rawData && t.rawData.length >= EXTERNAL_MIN_BYTES,
  );
  if (initializers.length === 0) return;
  const target = path.join(dir, dataName);
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  const file = await fs.open(tmp, 'w');
  try {
    let offset = 0;
    for (const t of initializers) {
      const data = t.rawData!;
      offset = Math.ceil(offset / EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT;
      for (let written = 0; written < data.length; ) {
        const { bytesWritten } = await file.write(data, written, data.length - written, offset + written);
        written += bytesWritten;
      }
      t.externalData = [
        { key: 'location', value: dataName },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(data.length) },
      ];
      t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      t.rawData = new Uint8Array(0);
      offset += data.length;
    }
    await file.sync();
  } finally {
    await file.close();
  }
  await fs.rename(tmp, target);
}

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
