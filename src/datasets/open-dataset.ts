import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileSource, inheritedFd, openStreamSource, type ByteSource } from './byte-source.js';
import { readDelimitedRecords } from './delimited-reader.js';
import { uniqueKeys } from './unique-keys.js';
import { fieldNames, recordToPair, type FieldOptions, type PairMapping } from './field-mapping.js';
import { fileError, InputError } from './input-error.js';
import { readJsonArrayRecords } from './json-reader.js';
import { readJsonlRecords } from './jsonl-reader.js';
import { jsonTopLevelKeys } from './json-top-level-keys.js';
import { readLines } from './line-reader.js';
import { isMultifacetedBenchRecord, isMultifacetedPairRecord, multifacetedBenchPairs, multifacetedMapping } from './multifaceted.js';
import type { DatasetKind, Pair } from './pair.js';
import type { RecordItem } from './raw-record.js';

/** The formats of pair files; benchmark protocols (src/protocols/) add their own, such as a benchmark's folder. */
export type DatasetFormat = 'auto' | 'jsonl' | 'json' | 'csv' | 'tsv' | 'multifaceted' | 'multifaceted-bench';

export const DATASET_FORMATS: readonly DatasetFormat[] = ['auto', 'jsonl', 'json', 'csv', 'tsv', 'multifaceted', 'multifaceted-bench'];

export interface DatasetOptions extends FieldOptions {
  format?: DatasetFormat;
  /** Report bad records through onInvalid and go on, instead of stopping at the first. */
  skipInvalid?: boolean;
  /** Hears every skipped record, and every Multifaceted-Bench instance that could not be paired (code 'unpaired'). */
  onInvalid?: (err: InputError) => void;
  /** What `-` reads instead of the process's stdin (tests). */
  stdin?: Readable;
  /** Stops a wait on a stream input (a FIFO with no writer yet) with the signal's reason. */
  signal?: AbortSignal;
}

export interface Dataset {
  /** Short, file-system safe: the file's base name without extension, or a benchmark's own name. */
  name: string;
  kind: DatasetKind;
  /** Absolute path of what was opened, file or folder. */
  path: string;
  /** Absolute paths of the files read, in reading order. */
  files: string[];
  /**
   * Hex sha256 of the file's bytes; for a folder, see folderSha256. For a stream it is taken while the records are read
   * and is '' until the stream has been read to its end.
   */
  sha256: string;
  /** Reads the files afresh on every call; a stream input (see `rereadable`) allows one call. */
  pairs(): AsyncIterable<Pair>;
  /** False for stdin, a pipe or a FIFO: read exactly once, so `pairs()` works once and a run cannot be resumed. */
  rereadable?: boolean;
}

/** The record container, separate from what the records mean. */
type Container = 'jsonl' | 'json' | 'csv' | 'tsv';
type Semantics = 'pairs' | 'multifaceted' | 'multifaceted-bench';

interface SourceFile {
  path: string;
  /** As the user wrote it, for messages. */
  displayName: string;
}

/** `-` (stdin), a FIFO or `<(…)`: anything that is neither a regular file nor a folder is streamed (see StreamSource). */
export async function openDataset(pathOrFolder: string, options: DatasetOptions = {}): Promise<Dataset> {
  const format = options.format ?? 'auto';
  if (!DATASET_FORMATS.includes(format)) throw new TypeError(`unknown dataset format ${JSON.stringify(format)}`);
  let folder: boolean;
  let isFile = false;
  try {
    const stats = pathOrFolder === '-' ? undefined : await stat(pathOrFolder);
    folder = stats?.isDirectory() ?? false;
    isFile = stats?.isFile() ?? false;
  } catch (error) {
    throw fileError(pathOrFolder, error);
  }
  if (!folder && !isFile) return openStreamDataset(pathOrFolder, format, options);
  const path = resolve(pathOrFolder);

  // Folders are read by benchmark protocols that know their layout (see src/protocols/registry.ts).
  if (folder) throw new InputError({ code: 'unreadable', file: pathOrFolder, reason: 'is a folder, not a pair file' });

  const file: SourceFile = { path, displayName: pathOrFolder };
  const sha256 = await fileSha256(path, pathOrFolder);

  const source = fileSource(path, pathOrFolder);
  const { kind, pairs } = await genericPairs(path, source, source, format, options);
  return {
    name: shortName(path),
    kind,
    path,
    files: [path],
    sha256,
    pairs: () => guarded(pairs(), options, pathOrFolder),
  };
}

/** Whether --dataset names a folder; a path that cannot be read is an InputError naming it. */
export async function isFolder(pathOrFolder: string): Promise<boolean> {
  if (pathOrFolder === '-') return false; // stdin
  try {
    return (await stat(pathOrFolder)).isDirectory();
  } catch (error) {
    throw fileError(pathOrFolder, error);
  }
}

/**
 * A stream is read once: the format comes from the name or from the first bytes, which are kept and replayed; the
 * sha256 is known once the stream has been read to its end.
 */
async function openStreamDataset(spec: string, format: DatasetFormat, options: DatasetOptions): Promise<Dataset> {
  const stream = await openStreamSource(spec, options);
  const path = spec === '-' ? '-' : resolve(spec);
  const { kind, pairs } = await genericPairs(spec, stream.peek(), stream, format, options);
  let read = false;
  return {
    name: streamName(spec),
    kind,
    path,
    files: [path],
    get sha256() {
      return stream.sha256 ?? '';
    },
    rereadable: false,
    pairs: () => {
      if (read) throw new InputError({ code: 'unreadable', file: stream.displayName, reason: 'is a stream (stdin, a pipe or a FIFO) and can be read only once' });
      read = true;
      return guarded(pairs(), options, stream.displayName);
    },
  };
}

/**
 * The records of a pair file as pairs: the container is told from `--format`, the name or the first character, and
 * what the records mean from the first record; `peek` is read for that, `source` for the records.
 */
async function genericPairs(
  name: string,
  peek: ByteSource,
  source: ByteSource,
  format: DatasetFormat,
  options: DatasetOptions,
): Promise<{ kind: DatasetKind; pairs: () => AsyncIterable<Pair | InputError> }> {
  const container = await containerOf(name, peek, format);
  const semantics = await semanticsOf(name, peek, container, format, options);
  const records = (): AsyncGenerator<RecordItem> => readRecords(source, container);
  let pairs: () => AsyncIterable<Pair | InputError>;
  if (semantics === 'multifaceted-bench') {
    pairs = () => multifacetedBenchPairs(records(), options);
  } else {
    const mapping: PairMapping = semantics === 'multifaceted' ? multifacetedMapping(options) : { fields: fieldNames(options) };
    pairs = () => mapRecords(records(), mapping);
  }
  return { kind: semantics === 'pairs' ? 'pairs' : 'multifaceted', pairs: () => uniqueKeys(pairs(), options) };
}

function readRecords(source: ByteSource, container: Container): AsyncGenerator<RecordItem> {
  switch (container) {
    case 'jsonl':
      return readJsonlRecords(source);
    case 'json':
      return readJsonArrayRecords(source);
    case 'csv':
      return readDelimitedRecords(source, ',');
    case 'tsv':
      return readDelimitedRecords(source, '\t');
  }
}

async function* mapRecords(records: AsyncIterable<RecordItem>, mapping: PairMapping): AsyncGenerator<Pair | InputError> {
  for await (const item of records) {
    if (item instanceof InputError) {
      yield item;
      continue;
    }
    try {
      yield recordToPair(item, mapping);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      yield error;
    }
  }
}

/**
 * Applies skipInvalid: a bad record either stops the stream (pairs already yielded stay valid) or is reported and
 * skipped. A dataset that yields no pair at all is an error either way: a run over nothing would report nothing.
 * Benchmark readers (src/protocols/) pass their streams through it too.
 */
export async function* guarded(
  items: AsyncIterable<Pair | InputError>,
  options: Pick<DatasetOptions, 'skipInvalid' | 'onInvalid'>,
  displayName: string,
): AsyncGenerator<Pair> {
  let pairs = 0;
  let invalid = 0;
  let unpaired = 0;
  for await (const item of items) {
    if (!(item instanceof InputError)) {
      pairs += 1;
      yield item;
      continue;
    }
    if (item.code === 'unpaired') {
      unpaired += 1;
      options.onInvalid?.(item);
      continue;
    }
    if (!options.skipInvalid) throw item;
    invalid += 1;
    options.onInvalid?.(item);
  }
  if (pairs > 0) return;
  if (invalid === 0 && unpaired === 0) throw new InputError({ code: 'empty-dataset', file: displayName, reason: 'no records' });
  const why = [invalid > 0 ? `${invalid} invalid` : '', unpaired > 0 ? `${unpaired} unpaired` : ''].filter(Boolean).join(', ');
  throw new InputError({ code: 'empty-dataset', file: displayName, reason: `no usable records (${why})` });
}

async function containerOf(name: string, file: ByteSource, format: DatasetFormat): Promise<Container> {
  if (format === 'jsonl' || format === 'json' || format === 'csv' || format === 'tsv') return format;
  const ext = extname(name).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv') return 'tsv';
  // Hugging Face exports often name JSON Lines ".json"; the first character tells them apart.
  const first = await firstSignificantChar(file);
  if (first === '[') return 'json';
  if (first === '{') return 'jsonl';
  if (first === undefined) throw new InputError({ code: 'empty-dataset', file: file.displayName, reason: 'no records (the file is empty)' });
  throw new InputError({
    code: 'unreadable',
    file: file.displayName,
    reason: `cannot tell the format from the name or the first character; name it .jsonl, .json, .csv or .tsv, or pass --format`,
  });
}

async function semanticsOf(name: string, file: ByteSource, container: Container, format: DatasetFormat, options: DatasetOptions): Promise<Semantics> {
  if (format === 'multifaceted' || format === 'multifaceted-bench') return format;
  if (format !== 'auto') return 'pairs';
  const first = container === 'jsonl' ? await firstLineKeys(file) : await firstRecord(readRecords(file, container));
  if (isMultifacetedBenchRecord(first, options)) return 'multifaceted-bench';
  if (/multifaceted/i.test(basename(name)) && isMultifacetedPairRecord(first, options)) return 'multifaceted';
  return 'pairs';
}

/**
 * The first well-formed record of a file, by its container (from the name or the first character); undefined when
 * none can be read. Benchmark protocols that recognise a dataset by its records' fields look at it.
 */
export async function peekFirstRecord(path: string): Promise<unknown> {
  const file = fileSource(path, path);
  let container: Container;
  try {
    container = await containerOf(path, file, 'auto');
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
  return firstRecord(readRecords(file, container));
}

/** The first well-formed record, or undefined; errors are left for the real read to report in order. */
async function firstRecord(records: AsyncGenerator<RecordItem>): Promise<unknown> {
  try {
    for await (const item of records) {
      if (!(item instanceof InputError)) return item.value;
    }
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
  } finally {
    await records.return(undefined);
  }
  return undefined;
}

/**
 * The first JSON Lines record as an object of its keys only (detection looks at nothing else): a first line of many
 * megabytes is not parsed twice.
 */
async function firstLineKeys(file: ByteSource): Promise<Record<string, true> | undefined> {
  for await (const { bytes } of readLines(file)) {
    const keys = jsonTopLevelKeys(bytes);
    if (keys !== undefined) return Object.fromEntries(keys.map((k) => [k, true]));
    if (bytes.some((b) => b !== 0x20 && b !== 0x09)) return undefined;
  }
  return undefined;
}

/** Read in order, so that a stream is only read as far as its first significant byte. */
async function firstSignificantChar(file: ByteSource): Promise<string | undefined> {
  for await (const chunk of file.chunks()) {
    const match = /[^\s\u00ef\u00bb\u00bf]/.exec(chunk.toString('latin1'));
    if (match) return match[0];
  }
  return undefined;
}

/** `stdin` for `-`, `fd-63` for a `<(…)` descriptor, else as for files. */
function streamName(spec: string): string {
  const fd = inheritedFd(spec);
  return fd === undefined ? shortName(spec) : fd === 0 ? 'stdin' : `fd-${fd}`;
}

/** For run-folder names: the base name without extension, reduced to characters every file system accepts. */
function shortName(path: string): string {
  const stem = basename(path, extname(path)).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return stem === '' ? 'dataset' : stem;
}

export async function fileSha256(path: string, displayName: string = path): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch (error) {
    throw fileError(displayName, error);
  }
  return hash.digest('hex');
}

/**
 * A folder's hash: sha256 over, for each file in byte order of its base name, `name NUL sha256(content) LF`. It changes
 * when a file is added, removed, renamed or edited, and a single file's own hash can still be checked against it.
 */
export async function folderSha256(files: readonly string[]): Promise<string> {
  const entries = await Promise.all(files.map(async (f) => ({ name: basename(f), sha256: await fileSha256(f) })));
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  const hash = createHash('sha256');
  for (const e of entries) hash.update(`${e.name}\u0000${e.sha256}\n`);
  return hash.digest('hex');
}
