import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { endormCacheRoot } from '../model/cache-root.js';
import { cachedFileSha256 } from '../model/file-hashes.js';
import { ModelError } from '../model/model-errors.js';
import { CannotWriteError } from '../util/cannot-write-error.js';
import { makeFolder } from '../util/make-folder.js';
import { buildScoringGraph, SCORING_GRAPH_VERSION } from './build-scoring-graph.js';
import { buildOnce } from './graph-build-lock.js';
import { cacheWriteError, notEnoughSpace } from './cache-write-error.js';
import { alignedLayout, copyFileRanges } from './copy-file-ranges.js';
import { checkGraphEntry, fileStamp, writeGraphRecord, type FileRecord } from './graph-cache-record.js';
import { onnx } from './onnx-proto.js';
import type { ModelProto } from './onnx-proto.js';
import { scanOnnxFile, type RawDataRange } from './onnx-wire-scan.js';
import { removeStaleTempEntries, tempPath } from './stale-temp-entries.js';
import type { ScoringHead } from './scoring-io.js';

export function defaultCacheDir(): string {
  return endormCacheRoot();
}

export interface PrepareScoringGraphOptions {
  /** The head variant to build (default `scan`); each variant is cached on its own. */
  head?: ScoringHead;
  /** Told when a cached graph fails its check and is rebuilt (the CLI prints it as a note). */
  onNote?: (message: string) => void;
  /** Told before the graph is built (a one-time step per model file), so that a caller can say why it takes seconds. */
  onBuild?: (entryDir: string) => void;
  /** Told when another process (on this machine or another sharing the cache) is building the graph and this one waits. */
  onWait?: (entryDir: string, holder: string) => void;
}

/**
 * Returns the path of the scoring graph for `onnxPath`, rewriting it only the first time: the rewrite of a 1 GB model
 * takes seconds, a cached graph costs the check of the source's identity (file-identity.ts), which vouches for its
 * cached sha256, and the hash of its small graph file (see graph-cache-record.ts). The key covers the source file's
 * path and content (sha256) and the rewrite's version, so a model replaced by another of the same size and mtime
 * (`cp -p`) gets its own graph. A cached graph that fails its check is rebuilt once, with a note; one that fails again
 * is a ModelError naming the folder to delete.
 */
export async function prepareScoringGraph(onnxPath: string, cacheDir = defaultCacheDir(), options: PrepareScoringGraphOptions = {}): Promise<string> {
  const head = options.head ?? 'scan';
  const source = await fs.realpath(onnxPath);
  const { sha256 } = await cachedFileSha256(source, { cacheRoot: cacheDir });
  const key = createHash('sha256')
    .update(JSON.stringify({ v: SCORING_GRAPH_VERSION, source, sha256, head }))
    .digest('hex')
    .slice(0, 24);
  const entryDir = path.join(cacheDir, 'graphs', key);
  const graphFile = path.basename(source);
  // On every run, not only before builds: the run after a killed first one finds its graph cached and builds nothing.
  await removeStaleTempEntries(path.dirname(entryDir));
  const before = await checkGraphEntry(entryDir, graphFile);
  if (before.state === 'ok') return path.join(entryDir, graphFile);
  if (before.state === 'damaged') options.onNote?.(`the cached scoring graph ${entryDir} ${before.problem}; rebuilding it from ${source}`);
  // Many processes starting together on one cache (the tasks of a job array) build the graph once: one holds the
  // build lock, the others wait for its entry. A damaged entry is rebuilt by one of them the same way.
  const ready = async () => (await checkGraphEntry(entryDir, graphFile)).state === 'ok';
  try {
    await makeFolder(path.dirname(entryDir)).catch((err: unknown) => {
      throw cacheWriteError(err, cacheDir, path.dirname(entryDir), 0) ?? err;
    });
    await buildOnce(
      `${entryDir}${BUILD_LOCK_SUFFIX}`,
      ready,
      async () => {
        options.onBuild?.(entryDir);
        await buildGraphEntry(source, entryDir, head);
      },
      { onWait: (holder) => options.onWait?.(entryDir, holder) },
    ).catch((err: unknown) => {
      // The build's own errors are worded already; this is the lock file's (a read-only or foreign cache).
      throw err instanceof CannotWriteError || err instanceof ModelError ? err : (cacheWriteError(err, cacheDir, path.dirname(entryDir), 0) ?? err);
    });
  } catch (err) {
    if (before.state === 'damaged' && (err instanceof ModelError || err instanceof CannotWriteError)) {
      const message = `${err.message} (the cached graph ${entryDir} needs that rebuild: it ${before.problem})`;
      throw err instanceof CannotWriteError ? new CannotWriteError(message, err.path, err.code) : new ModelError(message);
    }
    throw err;
  }
  const after = await checkGraphEntry(entryDir, graphFile);
  if (after.state === 'ok') return path.join(entryDir, graphFile);
  const problem = after.state === 'damaged' ? after.problem : 'is gone';
  throw new ModelError(
    `the scoring graph cached in ${entryDir} ${problem}, right after it was ${before.state === 'damaged' ? 'rebuilt' : 'written'}; ` +
      `delete ${entryDir} and run again (if this repeats, check the disk holding ${cacheDir})`,
  );
}

/** Beside a graph's entry while one process builds it: `graphs/KEY.building`. */
export const BUILD_LOCK_SUFFIX = '.building';

/** Suffix of the external data file that holds the weights of a rewritten graph whose source had them inline. */
export const ENDORM_DATA_SUFFIX = '.endorm_data';
/** Initializers at least this large leave the graph file. */
const EXTERNAL_MIN_BYTES = 1024;
/** Offsets in the data file are multiples of this (64 KiB: the mmap granularity of every platform onnxruntime runs on). */
const EXTERNAL_ALIGNMENT = 1 << 16;

/**
 * Builds the entry in a temporary folder beside it and renames it into place, so that a graph is either whole (with
 * its record) or absent, whatever kills the build. The weights go from the source file to the data file a chunk at a
 * time, never all in memory.
 */
async function buildGraphEntry(source: string, entryDir: string, head: ScoringHead): Promise<void> {
  const graphsDir = path.dirname(entryDir);
  const cacheDir = path.dirname(graphsDir);
  try {
    await makeFolder(graphsDir);
  } catch (err) {
    throw cacheWriteError(err, cacheDir, graphsDir, 0) ?? err;
  }

  const scan = await scanOnnxFile(source, EXTERNAL_MIN_BYTES);
  const model = onnx.ModelProto.decode(scan.skeleton);
  const graphFile = path.basename(source);
  const dataName = `${graphFile}${ENDORM_DATA_SUFFIX}`;
  const layout = alignedLayout(scan.moved, EXTERNAL_ALIGNMENT);
  markExternal(model, scan.moved, layout.offsets, dataName);
  const rewritten = buildScoringGraph(model, { head });
  const externals = await externalDataFiles(rewritten, path.dirname(source));
  const space = await fs.statfs(graphsDir).catch(() => undefined);
  if (space) {
    const tooBig = notEnoughSpace(graphsDir, layout.size, space.bavail * space.bsize);
    if (tooBig) throw tooBig;
  }

  const tmpDir = tempPath(entryDir);
  try {
    await fs.mkdir(tmpDir);
    const records: FileRecord[] = [];
    for (const [location, file] of externals) records.push(await linkExternalData(file.original, tmpDir, location));
    if (scan.moved.length > 0) {
      const dataPath = path.join(tmpDir, dataName);
      const written = await copyFileRanges(source, scan.moved, dataPath, EXTERNAL_ALIGNMENT);
      records.push({ file: dataName, ...written, stamp: await fileStamp(dataPath) });
    }
    const bytes = onnx.ModelProto.encode(onnx.ModelProto.create(rewritten)).finish();
    await writeSynced(path.join(tmpDir, graphFile), bytes);
    await writeGraphRecord(tmpDir, graphFile, bytes, records);
    await installEntry(tmpDir, entryDir, graphFile);
  } catch (err) {
    await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
    throw cacheWriteError(err, cacheDir, graphsDir, layout.size) ?? err;
  }
}

/**
 * Points the initializers whose raw_data stayed in the source file at their place in the data file, as the tensors
 * onnxruntime memory-maps instead of parsing them out of the protobuf: for a 1.3 GB model the session loads in a
 * quarter of the time and holds one copy of the weights instead of about 1.5 (see docs/performance.md).
 */
function markExternal(model: ModelProto, moved: RawDataRange[], offsets: number[], dataName: string): void {
  const initializers = model.graph?.initializer ?? [];
  moved.forEach((range, i) => {
    const t = initializers[range.initializer];
    if (!t) throw new Error(`initializer ${range.initializer} found by the scan is missing from the decoded graph`);
    t.externalData = [
      { key: 'location', value: dataName },
      { key: 'offset', value: String(offsets[i]) },
      { key: 'length', value: String(range.length) },
    ];
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.rawData = new Uint8Array(0);
  });
}

/**
 * The data files the source model itself keeps its weights in (`model.onnx_data`), by location, each checked to hold
 * every byte its tensors claim: a cut data file is the source's fault, found here rather than as garbage scores.
 */
async function externalDataFiles(model: ModelProto, sourceDir: string): Promise<Map<string, { original: string; size: number }>> {
  const needs = new Map<string, number>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) continue;
    const entry = Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value]));
    if (!entry.location || entry.location.endsWith(ENDORM_DATA_SUFFIX)) continue;
    const end = Number(entry.offset ?? 0) + Number(entry.length ?? 0);
    needs.set(entry.location, Math.max(needs.get(entry.location) ?? 0, end));
  }
  const files = new Map<string, { original: string; size: number }>();
  for (const [location, end] of needs) {
    const original = path.resolve(sourceDir, location);
    const relative = path.relative(sourceDir, original);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new Error(`external data location "${location}" points outside the model's folder`);
    }
    const stat = await fs.stat(original).catch(() => undefined);
    if (!stat) throw new Error(`external data file "${location}" referenced by the model is missing (looked for ${original})`);
    if (stat.size < end) throw new Error(`external data file ${original} is ${stat.size} bytes, but the model's tensors need ${end}`);
    files.set(location, { original, size: stat.size });
  }
  return files;
}

/**
 * Weights in external data files are found relative to the graph file, and onnxruntime refuses any path that resolves
 * outside the graph's folder (symbolic links included). So the cache folder gets a hard link to each data file (no
 * copy, same bytes), or a copy, hashed as it is written, where the cache sits on another file system.
 */
async function linkExternalData(original: string, dir: string, location: string): Promise<FileRecord> {
  const target = path.join(dir, location);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const sourceStamp = await fileStamp(original);
  try {
    await fs.link(original, target);
    return { file: location, size: Number(sourceStamp.size), from: { path: original, stamp: sourceStamp, linked: true } };
  } catch {
    const written = await copyFileRanges(original, [{ offset: 0, length: Number(sourceStamp.size) }], target);
    return { file: location, ...written, stamp: await fileStamp(target), from: { path: original, stamp: sourceStamp, linked: false } };
  }
}

async function writeSynced(file: string, bytes: Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'wx');
  try {
    await handle.writeFile(bytes);
    // Synced before the record that vouches for it is written: after a power cut the record may be lost, never the bytes.
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Renames the built folder into place. Where another process installed the same entry meanwhile (shards starting
 * together on one machine), its entry is kept and ours dropped: replacing a good entry would pull it from under a
 * process that is checking or loading it. Only a damaged entry is moved aside (then deleted) for ours.
 */
async function installEntry(tmpDir: string, entryDir: string, graphFile: string): Promise<void> {
  try {
    await fs.rename(tmpDir, entryDir);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
  }
  if ((await checkGraphEntry(entryDir, graphFile)).state === 'ok') {
    await fs.rm(tmpDir, { recursive: true, force: true });
    return;
  }
  const old = tempPath(entryDir, 'old');
  await fs.rename(entryDir, old).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await fs.rename(tmpDir, entryDir);
  await fs.rm(old, { recursive: true, force: true }).catch(() => undefined);
}
