import { resolve } from 'node:path';
import { isStreamInput } from '../datasets/byte-source.js';
import { InputError } from '../datasets/input-error.js';
import { isFolder, peekFirstRecord, type Dataset } from '../datasets/open-dataset.js';
import type { BenchmarkDatasetOptions, BenchmarkProtocol, DatasetInput } from './protocol.js';
import { datasetFormats, protocols } from './registry.js';

/** A dataset opened by the protocol that recognised it. */
export interface BenchmarkDataset {
  protocol: BenchmarkProtocol;
  dataset: Dataset;
}

/** Opens a dataset file or folder with the first protocol that recognises it (see registry.ts for the order). */
export async function openBenchmarkDataset(pathOrFolder: string, options: BenchmarkDatasetOptions = {}): Promise<BenchmarkDataset> {
  const format = options.format ?? 'auto';
  if (!datasetFormats().includes(format)) throw new TypeError(`unknown dataset format ${JSON.stringify(format)}`);
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
  for (const protocol of protocols()) {
    if (!(await protocol.recognises(input))) continue;
    if (folder && !protocol.readsFolders) {
      const readers = protocols().filter((p) => p.readsFolders).map((p) => `${p.label} (--format ${p.formats[0]})`);
      throw new InputError({ code: 'unreadable', file: pathOrFolder, reason: `is a folder; only ${readers.join(' or ')} is read from a folder` });
    }
    return { protocol, dataset: await protocol.open(input, options) };
  }
  throw new InputError({ code: 'unreadable', file: pathOrFolder, reason: `no benchmark protocol reads it as --format ${format}` });
}
