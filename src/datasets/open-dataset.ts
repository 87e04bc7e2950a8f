import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileSource, inheritedFd, openStreamSource, type ByteSource } from './byte-source.js';
import { combinedSha256, type DatasetFiles } from './dataset-files.js';
import { readDelimitedRecords } from './delimited-reader.js';
import { uniqueKeys } from './unique-keys.js';
import { fieldNames, recordToPair, type FieldOptions, type PairMapping } from './field-mapping.js';
import { fileError, InputError } from './input-error.js';
import { readJsonArrayRecords } from './json-reader.js';
import { readJsonlRecords } from './jsonl-reader.js';
import { jsonTopLevelKeys } from './json-top-level-keys.js';
import { DEFAULT_INPUT_LIMITS, lineTooLong, tooManyRecords, withDefaultLimits, type InputLimits } from './input-limits.js';
import { readLines } from './line-reader.js';
import { isMultifacetedBenchRecord, isMultifacetedPairRecord, multifacetedBenchPairs, multifacetedMapping } from './multifaceted.js';
import type { DatasetKind, Pair } from './pair.js';
import { readParquetRecords } from './parquet-reader.js';
import type { RecordItem } from './raw-record.js';

/** The formats of pair files; benchmark protocols (src/protocols/) add their own, such as a benchmark's folder. */
export type DatasetFormat = 'auto' | RecordContainer | 'multifaceted' | 'multifaceted-bench';

export const DATASET_FORMATS: readonly DatasetFormat[] = ['auto', 'jsonl', 'json', 'csv', 'tsv', 'parquet', 'multifaceted', 'multifaceted-bench'];

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
  /** Bounds on a line, a JSON document and records per file (input-limits.ts); each left out is its default. */
  limits?: Partial<InputLimits>;
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
export type RecordContainer = 'jsonl' | 'json' | 'csv' | 'tsv' | 'parquet';
type Semantics = 'pairs' | 'multifaceted' | 'multifaceted-bench';

/**
 * A pair file, or a dataset made of several files (a Hub split's shards) read in order as one. `-` (stdin), a FIFO or
 * `<(…)`: anything that is neither a regular file nor a folder is streamed (see StreamSource).
 */
export async function openDataset(input: string | DatasetFiles, options: DatasetOptions = {}): Promise<Dataset> {
  const format = options.format ?? 'auto';
  if (!DATASET_FORMATS.includes(format)) throw new TypeError(`unknown dataset format ${JSON.stringify(format)}`);
  const source = await openSource(input, options);
  const { kind, pairs } = await genericPairs(source.inputs, format, options, withDefaultLimits(options.limits));
  return Object.assign(datasetBase(source), { kind, pairs: readOnce(source, () => guarded(pairs(), options, source.displayName)) });
}

/** A dataset's records before they mean anything, for a benchmark protocol that maps them itself. */
export interface RecordDataset extends Omit<Dataset, 'kind' | 'pairs'> {
  /** As for Dataset.pairs: files are read afresh on every call, a stream once. */
  records(): AsyncIterable<RecordItem>;
  /** As the user wrote it, for messages about the whole dataset (`stdin` for `-`). */
  displayName: string;
}

/** The records of a file, of several files or of a stream, told apart by container (from `format`, the name or the first bytes). */
export async function openRecords(
  input: string | DatasetFiles,
  options: Pick<DatasetOptions, 'stdin' | 'signal' | 'limits'> & { format?: 'auto' | RecordContainer } = {},
): Promise<RecordDataset> {
  const source = await openSource(input, options);
  const limits = withDefaultLimits(options.limits);
  const containers = await containersOf(source.inputs, options.format ?? 'auto', limits);
  return Object.assign(datasetBase(source), { displayName: source.displayName, records: readOnce(source, () => chainRecords(source.inputs, containers, limits)) });
}

/** One file's or a stream's bytes, and the name that tells its container by extension. */
interface RecordInput {
  name: string;
  /** Read for detection; a stream's peek is kept and replayed by `source`. */
  peek: ByteSource;
  source: ByteSource;
}

/** What a dataset is read from, opened but not yet read (a stream is not read at all). */
interface OpenedSource {
  name: string;
  path: string;
  files: string[];
  displayName: string;
  /** A stream's is known once it has been read to its end. */
  sha256(): string;
  inputs: RecordInput[];
  /** Read exactly once. */
  stream: boolean;
}

async function openSource(input: string | DatasetFiles, options: Pick<DatasetOptions, 'stdin' | 'signal'>): Promise<OpenedSource> {
  if (typeof input !== 'string') {
    const sha256 = combinedSha256(input.files);
    return {
      name: input.name,
      path: input.path,
      files: input.files.map((f) => f.path),
      displayName: input.displayName,
      sha256: () => sha256,
      inputs: input.files.map((f) => {
        const source = fileSource(f.path, f.displayName);
        return { name: f.path, peek: source, source };
      }),
      stream: false,
    };
  }
  let folder: boolean;
  let isFile = false;
  try {
    const stats = input === '-' ? undefined : await stat(input);
    folder = stats?.isDirectory() ?? false;
    isFile = stats?.isFile() ?? false;
  } catch (error) {
    throw fileError(input, error);
  }
  if (!folder && !isFile) {
    const stream = await openStreamSource(input, options);
    return {
      name: streamName(input),
      path: input === '-' ? '-' : resolve(input),
      files: [input === '-' ? '-' : resolve(input)],
      displayName: stream.displayName,
      sha256: () => stream.sha256 ?? '',
      inputs: [{ name: input, peek: stream.peek(), source: stream }],
      stream: true,
    };
  }
  // Folders are read by benchmark protocols that know their layout (see src/protocols/registry.ts).
  if (folder) throw new InputError({ code: 'unreadable', file: input, reason: 'is a folder, not a pair file' });
  const path = resolve(input);
  const sha256 = await fileSha256(path, input);
  const source = fileSource(path, input);
  return { name: shortName(path), path, files: [path], displayName: input, sha256: () => sha256, inputs: [{ name: path, peek: source, source }], stream: false };
}

/** What every dataset says of itself; a stream's hash is read when asked, since it is known only at the stream's end. */
function datasetBase(source: OpenedSource): Omit<Dataset, 'kind' | 'pairs'> {
  const { name, path, files } = source;
  if (!source.stream) return { name, path, files, sha256: source.sha256() };
  return {
    name,
    path,
    files,
    get sha256() {
      return source.sha256();
    },
    rereadable: false,
  };
}

/** A stream can be read once: a second read is an error naming it. */
function readOnce<T>(source: OpenedSource, read: () => AsyncIterable<T>): () => AsyncIterable<T> {
  if (!source.stream) return read;
  let done = false;
  return () => {
    if (done) throw new InputError({ code: 'unreadable', file: source.displayName, reason: 'is a stream (stdin, a pipe or a FIFO) and can be read only once' });
    done = true;
    return read();
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
 * The records of pair files as pairs: each file's container is told from `--format`, its name or its first bytes, and
 * what the records mean from the first file's first record; `peek` is read for that, `source` for the records. A
 * stream's format comes from its name or its first bytes, which are kept and replayed.
 */
async function genericPairs(
  inputs: readonly RecordInput[],
  format: DatasetFormat,
  options: DatasetOptions,
  limits: InputLimits,
): Promise<{ kind: DatasetKind; pairs: () => AsyncIterable<Pair | InputError> }> {
  const containers = await containersOf(inputs, format, limits);
  const semantics = await semanticsOf(inputs[0]!.name, inputs[0]!.peek, containers[0]!, format, options, limits);
  const records = (): AsyncGenerator<RecordItem> =>
    inputs.length > 1 ? numberedAcrossFiles(chainRecords(inputs, containers, limits), fieldNames(options).id) : chainRecords(inputs, containers, limits);
  let pairs: () => AsyncIterable<Pair | InputError>;
  if (semantics === 'multifaceted-bench') {
    pairs = () => multifacetedBenchPairs(records(), options);
  } else {
    const mapping: PairMapping = semantics === 'multifaceted' ? multifacetedMapping(options) : { fields: fieldNames(options) };
    pairs = () => mapRecords(records(), mapping);
  }
  return { kind: semantics === 'pairs' ? 'pairs' : 'multifaceted', pairs: () => uniqueKeys(pairs(), options) };
}

async function containersOf(inputs: readonly RecordInput[], format: DatasetFormat, limits: InputLimits): Promise<RecordContainer[]> {
  const containers: RecordContainer[] = [];
  for (const input of inputs) {
    const container = await containerOf(input.name, input.peek, format, limits.maxLineBytes);
    if (container === 'parquet' && input.source.path === undefined) {
      throw new InputError({
        code: 'unreadable',
        file: input.source.displayName,
        reason: 'is Parquet, which is read from its end (its footer indexes the rows), so only from a file, not from stdin, a pipe or a FIFO; save it to a file',
      });
    }
    containers.push(container);
  }
  return containers;
}

/** Every file's records, one file after the other. */
async function* chainRecords(inputs: readonly RecordInput[], containers: readonly RecordContainer[], limits: InputLimits): AsyncGenerator<RecordItem> {
  for (const [i, input] of inputs.entries()) yield* readRecords(input.source, containers[i]!, limits);
}

/**
 * A record without an id is known by its line (or record) number, which starts again in each file of a dataset of
 * several: there it gets its number in the whole dataset instead, so that keys stay unique and stable.
 */
async function* numberedAcrossFiles(records: AsyncIterable<RecordItem>, idField: string): AsyncGenerator<RecordItem> {
  let number = 0;
  for await (const item of records) {
    if (item instanceof InputError) {
      yield item;
      continue;
    }
    number += 1;
    const value = item.value;
    const object = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    yield object !== undefined && (object[idField] ?? null) === null ? { ...item, value: { ...object, [idField]: number } } : item;
  }
}

function readRecords(source: ByteSource, container: RecordContainer, limits: InputLimits): AsyncGenerator<RecordItem> {
  switch (container) {
    case 'jsonl':
      return readJsonlRecords(source, undefined, limits);
    case 'json':
      return readJsonArrayRecords(source, undefined, limits);
    case 'csv':
      return readDelimitedRecords(source, ',', undefined, limits);
    case 'tsv':
      return readDelimitedRecords(source, '\t', undefined, limits);
    case 'parquet':
      // containersOf lets only files through.
      return atMostRecords(readParquetRecords(source.path!, source.displayName), source.displayName, limits.maxRecords);
  }
}

async function* atMostRecords(records: AsyncIterable<RecordItem>, displayName: string, maxRecords: number): AsyncGenerator<RecordItem> {
  let count = 0;
  for await (const item of records) {
    if (++count > maxRecords) throw tooManyRecords(displayName, maxRecords, 'row');
    yield item;
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

async function containerOf(name: string, file: ByteSource, format: DatasetFormat, maxLead = DEFAULT_INPUT_LIMITS.maxLineBytes): Promise<RecordContainer> {
  if (format === 'jsonl' || format === 'json' || format === 'csv' || format === 'tsv' || format === 'parquet') return format;
  const ext = extname(name).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv') return 'tsv';
  if (ext === '.parquet') return 'parquet';
  // Hugging Face exports often name JSON Lines ".json"; the first character tells them apart.
  const first = await firstSignificantChar(file, maxLead);
  if (first === PARQUET_MAGIC) return 'parquet';
  if (first === '[') return 'json';
  if (first === '{') return 'jsonl';
  if (first === undefined) throw new InputError({ code: 'empty-dataset', file: file.displayName, reason: 'no records (the file is empty)' });
  throw new InputError({
    code: 'unreadable',
    file: file.displayName,
    reason: `cannot tell the format from the name or the first character; name it .jsonl, .json, .csv, .tsv or .parquet, or pass --format`,
  });
}

async function semanticsOf(
  name: string,
  file: ByteSource,
  container: RecordContainer,
  format: DatasetFormat,
  options: DatasetOptions,
  limits: InputLimits,
): Promise<Semantics> {
  if (format === 'multifaceted' || format === 'multifaceted-bench') return format;
  if (format !== 'auto') return 'pairs';
  const first = container === 'jsonl' ? await firstLineKeys(file, limits.maxLineBytes) : await firstRecord(readRecords(file, container, limits));
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
  let container: RecordContainer;
  try {
    container = await containerOf(path, file, 'auto');
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
  return firstRecord(readRecords(file, container, DEFAULT_INPUT_LIMITS));
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
async function firstLineKeys(file: ByteSource, maxLineBytes: number): Promise<Record<string, true> | undefined> {
  for await (const { bytes } of readLines(file, undefined, maxLineBytes)) {
    const keys = jsonTopLevelKeys(bytes);
    if (keys !== undefined) return Object.fromEntries(keys.map((k) => [k, true]));
    if (bytes.some((b) => b !== 0x20 && b !== 0x09)) return undefined;
  }
  return undefined;
}

/** What a Parquet file starts with; firstSignificantChar answers it in place of a character. */
const PARQUET_MAGIC = 'PAR1';

/** Read in order, so that a stream is only read as far as its first significant byte. */
async function firstSignificantChar(file: ByteSource, maxLead: number): Promise<string | undefined> {
  let start = true;
  let read = 0;
  for await (const chunk of file.chunks()) {
    const text = chunk.toString('latin1');
    if (start && text.startsWith(PARQUET_MAGIC)) return PARQUET_MAGIC;
    start = false;
    const match = /[^\s\u00ef\u00bb\u00bf]/.exec(text);
    if (match) return match[0];
    // An endless run of blanks (a stream's peek keeps every chunk read) stops as a line past the bound would.
    if ((read += chunk.length) > maxLead) throw lineTooLong(file.displayName, 1, maxLead);
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

/** A folder's hash: combinedSha256 over its files named by their base names. */
export async function folderSha256(files: readonly string[]): Promise<string> {
  return combinedSha256(await Promise.all(files.map(async (f) => ({ name: basename(f), sha256: await fileSha256(f) }))));
}
