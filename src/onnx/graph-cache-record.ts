import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { cachedFileSha256 } from '../model/file-hashes.js';
import { sha256File } from './copy-file-ranges.js';

/*
 * What a cached scoring graph is checked against on every run, and why that is enough:
 * - the graph file (structure only, ~100 KB) is hashed in full every time (sha256), so a cut or altered graph is
 *   always seen;
 * - each data file endorm wrote (the weights: 1.3 GB for qwen-vocab, 14-28 GB for a 7B model) has its size and
 *   sha256, computed while it was written, plus a stamp of the file (device, inode, size, mtime and ctime in ns).
 *   Every write to a file through the file system moves its ctime, which no user-level call can set back (`touch -d`
 *   sets mtime only), so an unchanged stamp means no byte was written since the hash was taken; a changed stamp
 *   (truncation, random bytes, a copy of the cache elsewhere) costs one full re-hash, which either refreshes the stamp
 *   or condemns the file. Reading 28 GB on every run would cost tens of seconds to catch only silent media faults,
 *   which are the file system's to detect;
 * - a data file hard-linked from the model's own folder is that file, not a copy the cache could damage: it is checked
 *   to still be the same file (device and inode) as the model's, of the recorded size (new bytes written into it are
 *   the bytes the graph then reads). A copied one (another file system) is checked like endorm's own, and against the
 *   source's content (its sha256 from the file-hash cache, re-taken when its identity moved), so a changed model is
 *   rebuilt;
 * - the graph's own key holds the sha256 of the source ONNX file (see prepareScoringGraph), so a replaced model is
 *   never looked up under the old graph's entry.
 */

/** The integrity record beside the graph; written last, so the entry is complete only once it exists. */
export const RECORD_FILE = 'endorm-graph.json';
const RECORD_FORMAT = 1;

/** A file's identity: any write through the file system changes ctime (and usually mtime and size). */
interface Stamp {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
}

export interface FileRecord {
  /** Path relative to the entry's folder. */
  file: string;
  size: number;
  /** sha256 of the bytes as written; absent for a hard link to the model's own file. */
  sha256?: string;
  /** The file's stamp when its sha256 was last confirmed. */
  stamp?: Stamp;
  /** The model's file this one was linked or copied from, with its stamp at that time. */
  from?: { path: string; stamp: Stamp; linked: boolean };
}

interface GraphRecord {
  format: number;
  graph: { file: string; size: number; sha256: string };
  data: FileRecord[];
}

export type EntryState = { state: 'missing' } | { state: 'ok' } | { state: 'damaged'; problem: string };

export async function fileStamp(file: string): Promise<Stamp> {
  const s = await fs.stat(file, { bigint: true });
  return { dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
}

/**
 * Where the source model keeps the weights a cached graph uses (`model.onnx_data`...), relative to the source ONNX
 * file's folder: the record's data files that were linked or copied from the model. [] for a model with inline weights.
 */
export async function sourceDataLocations(graphPath: string): Promise<string[]> {
  const record = JSON.parse(await fs.readFile(path.join(path.dirname(graphPath), RECORD_FILE), 'utf8')) as GraphRecord;
  return record.data.filter((f) => f.from !== undefined).map((f) => f.file);
}

/** Writes the record of a freshly built entry (graph bytes as written, data files as described). */
export async function writeGraphRecord(entryDir: string, graphFile: string, graphBytes: Uint8Array, data: FileRecord[]): Promise<void> {
  const record: GraphRecord = {
    format: RECORD_FORMAT,
    graph: { file: graphFile, size: graphBytes.length, sha256: createHash('sha256').update(graphBytes).digest('hex') },
    data,
  };
  await writeRecord(entryDir, record);
}

/**
 * Whether the entry in `entryDir` holds the graph `graphFile` exactly as it was written, with its data files.
 * A data file whose stamp moved but whose bytes still hash the same gets its stamp refreshed (where the cache is
 * writable), so the next run is cheap again.
 */
export async function checkGraphEntry(entryDir: string, graphFile: string): Promise<EntryState> {
  if (!(await isDirectory(entryDir))) return { state: 'missing' };
  let record: GraphRecord;
  try {
    record = JSON.parse(await fs.readFile(path.join(entryDir, RECORD_FILE), 'utf8')) as GraphRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return damaged(`has no ${RECORD_FILE} (it was written by an older endorm, or its build was cut short)`);
    }
    return damaged(`has an unreadable ${RECORD_FILE} (${(err as Error).message})`);
  }
  const wellFormed = (f: unknown) => typeof (f as FileRecord)?.file === 'string' && typeof (f as FileRecord).size === 'number';
  const usable =
    record?.format === RECORD_FORMAT &&
    record.graph?.file === graphFile &&
    wellFormed(record.graph) &&
    Array.isArray(record.data) &&
    record.data.every(wellFormed);
  if (!usable) {
    return damaged(`has a ${RECORD_FILE} of another format or for another graph`);
  }
  const graphProblem =
    (await sizeProblem(entryDir, record.graph.file, record.graph.size)) ?? (await hashProblem(entryDir, record.graph.file, record.graph.sha256));
  if (graphProblem) return damaged(graphProblem);
  let refreshed = false;
  for (const file of record.data) {
    const problem = file.from?.linked ? await checkLinkedFile(entryDir, file) : await checkDataFile(entryDir, file);
    if (problem === 'refreshed') refreshed = true;
    else if (problem) return damaged(problem);
  }
  if (refreshed) await writeRecord(entryDir, record).catch(() => undefined); // a read-only cache re-hashes next time
  return { state: 'ok' };
}

function damaged(problem: string): EntryState {
  return { state: 'damaged', problem };
}

async function sizeProblem(entryDir: string, name: string, expected: number): Promise<string | undefined> {
  const size = await fileSize(path.join(entryDir, name));
  if (size === undefined) return `lacks its file ${name}`;
  if (size !== expected) return `has ${name} of ${size} bytes where ${expected} were written`;
  return undefined;
}

async function hashProblem(entryDir: string, name: string, sha256: string | undefined): Promise<string | undefined> {
  if ((await sha256File(path.join(entryDir, name))) !== sha256) return `has ${name} whose bytes differ from those written (sha256)`;
  return undefined;
}

/** endorm's own data file, or a copy of the model's: size, then stamp, then (if the stamp moved) the full sha256. */
async function checkDataFile(entryDir: string, record: FileRecord): Promise<string | undefined | 'refreshed'> {
  const wrongSize = await sizeProblem(entryDir, record.file, record.size);
  if (wrongSize) return wrongSize;
  if (record.from && !(await sameSource(entryDir, record.from.path, record.sha256))) {
    return `was made from ${record.from.path}, which has changed since`;
  }
  const file = path.join(entryDir, record.file);
  const stamp = await fileStamp(file);
  if (record.stamp && sameStampValues(stamp, record.stamp)) return undefined;
  const wrongBytes = await hashProblem(entryDir, record.file, record.sha256);
  if (wrongBytes) return wrongBytes;
  record.stamp = stamp;
  return 'refreshed';
}

/** A hard link to the model's own data file: still that very file, of the size it had. */
async function checkLinkedFile(entryDir: string, record: FileRecord): Promise<string | undefined> {
  const file = path.join(entryDir, record.file);
  const size = await fileSize(file);
  if (size === undefined) return `lacks its file ${record.file}`;
  const here = await fileStamp(file);
  const from = record.from!;
  let there: Stamp;
  try {
    there = await fileStamp(from.path);
  } catch {
    return `links ${record.file} to ${from.path}, which is gone`;
  }
  if (here.dev !== from.stamp.dev || here.ino !== from.stamp.ino || there.dev !== here.dev || there.ino !== here.ino) {
    return `links ${record.file} to ${from.path}, which was replaced since`;
  }
  if (size !== record.size) return `has ${record.file} of ${size} bytes where the model's file had ${record.size}`;
  return undefined;
}

/**
 * Whether the model's file still holds the bytes copied: its sha256, kept in the file-hash cache beside the graphs and
 * re-taken whenever the file's identity moved (a `cp -p` over it keeps size and mtime, not ctime or content).
 */
async function sameSource(entryDir: string, file: string, sha256: string | undefined): Promise<boolean> {
  try {
    return (await cachedFileSha256(file, { cacheRoot: path.dirname(path.dirname(entryDir)) })).sha256 === sha256;
  } catch {
    return false;
  }
}

function sameStampValues(a: Stamp, b: Stamp): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

async function writeRecord(entryDir: string, record: GraphRecord): Promise<void> {
  const target = path.join(entryDir, RECORD_FILE);
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await fs.writeFile(tmp, JSON.stringify(record, null, 1) + '\n', { flag: 'wx' });
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

async function fileSize(file: string): Promise<number | undefined> {
  try {
    const s = await fs.stat(file);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await fs.stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
