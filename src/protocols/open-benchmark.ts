import { resolve } from 'node:path';
import { isStreamInput } from '../datasets/byte-source.js';
import type { HfDatasetProvenance } from '../datasets/hf-dataset-files.js';
import { InputError } from '../datasets/input-error.js';
import { isFolder, peekFirstRecord, type Dataset } from '../datasets/open-dataset.js';
import type { DatasetSource, HubSplitSource } from './dataset-source.js';
import type { BenchmarkDatasetOptions, BenchmarkProtocol, DatasetInput } from './protocol.js';
import { datasetFormats, protocols } from './registry.js';

/** A dataset opened by the protocol that recognised it. */
export interface BenchmarkDataset {
  protocol: BenchmarkProtocol;
  dataset: Dataset;
  /** For a Hub split: where it came from, for run.json. */
  hub?: HfDatasetProvenance;
}

/**
 * Opens a dataset file or folder, or a Hub split resolved by resolveDatasetSource, with the first protocol that
 * recognises it (see registry.ts for the order); a split named by a protocol's alias is that protocol's.
 */
export async function openBenchmarkDataset(source: string | DatasetSource, options: BenchmarkDatasetOptions = {}): Promise<BenchmarkDataset> {
  const format = options.format ?? 'auto';
  if (!datasetFormats().includes(format)) throw new TypeError(`unknown dataset format ${JSON.stringify(format)}`);
  if (typeof source !== 'string' && 'files' in source) return openHubSplit(source, format, options);
  const pathOrFolder = typeof source === 'string' ? source : source.path;
  const folder = await isFolder(pathOrFolder);
  const path = pathOrFolder === '-' ? '-' : resolve(pathOrFolder);
  // A stream (stdin, a pipe, a FIFO) is read once, by the protocol that opens it: nothing may peek at it first.
  const stream = !folder && (await isStreamInput(pathOrFolder));
  let first: Promise<unknown> | undefined;
  const input: DatasetInput = {
    spec: pathOrFolder,
    path,
    isFolder: folder,
    format,
    firstRecord: () => (first ??= folder || stream ? Promise.resolve(undefined) : peekFirstRecord(path)),
  };
  const protocol = await recognising(input);
  return { protocol, dataset: await openWith(protocol, input, options) };
}

async function openHubSplit(source: HubSplitSource, format: string, options: BenchmarkDatasetOptions): Promise<BenchmarkDataset> {
  const { files } = source.files;
  let first: Promise<unknown> | undefined;
  const input: DatasetInput = {
    spec: source.spec,
    path: files.length === 1 ? files[0]!.path : source.files.path,
    isFolder: false,
    format,
    firstRecord: () => (first ??= peekFirstRecord(files[0]!.path)),
    shards: source.files,
  };
  const protocol = source.protocol !== undefined && format === 'auto' ? source.protocol : await recognising(input);
  return { protocol, dataset: await openWith(protocol, input, options), hub: source.provenance };
}

/** The first protocol that reads the input. */
async function recognising(input: DatasetInput): Promise<BenchmarkProtocol> {
  for (const protocol of protocols()) if (await protocol.recognises(input)) return protocol;
  throw new InputError({ code: 'unreadable', file: input.spec, reason: `no benchmark protocol reads it as --format ${input.format}` });
}

async function openWith(protocol: BenchmarkProtocol, input: DatasetInput, options: BenchmarkDatasetOptions): Promise<Dataset> {
  const readers = (can: (p: BenchmarkProtocol) => boolean | undefined) =>
    protocols()
      .filter(can)
      .map((p) => `${p.label} (--format ${p.formats[0]})`)
      .join(' or ');
  if (input.isFolder && !protocol.readsFolders) {
    throw new InputError({ code: 'unreadable', file: input.spec, reason: `is a folder; only ${readers((p) => p.readsFolders)} is read from a folder` });
  }
  const shards = input.shards?.files.length ?? 0;
  if (shards > 1 && !protocol.readsShards) {
    throw new InputError({
      code: 'unreadable',
      file: input.spec,
      reason: `is made of ${shards} files, which ${protocol.label} does not read as one dataset (read by: ${readers((p) => p.readsShards)})`,
    });
  }
  return protocol.open(input, options);
}
