import { resolve } from 'node:path';
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
  const path = resolve(pathOrFolder);
  let first: Promise<unknown> | undefined;
  const input: DatasetInput = {
    spec: pathOrFolder,
    path,
    isFolder: folder,
    format,
    firstRecord: () => (first ??= folder ? Promise.resolve(undefined) : peekFirstRecord(path)),
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
