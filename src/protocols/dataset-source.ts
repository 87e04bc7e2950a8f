import { hfDatasetFiles, type HfDatasetProvenance } from '../datasets/hf-dataset-files.js';
import { isHfDatasetSpec, parseHfDatasetSpec, type HfDatasetSpec } from '../datasets/hf-dataset-spec.js';
import { resolveHfDataset, type ResolveHfDatasetOptions } from '../datasets/hf-dataset.js';
import type { DatasetFiles } from '../datasets/dataset-files.js';
import { HubError } from '../model/hub/hub-errors.js';
import { SettingsError } from '../run/settings-error.js';
import type { BenchmarkProtocol } from './protocol.js';
import { hubAliases } from './registry.js';

/** What `--dataset` names once anything on the Hub has been downloaded: a local path, or a Hub split's files. */
export type DatasetSource = LocalDatasetSource | HubSplitSource;

export interface LocalDatasetSource {
  /** A file, a folder, `-` or a FIFO. */
  path: string;
}

export interface HubSplitSource {
  /** As the user wrote it. */
  spec: string;
  files: DatasetFiles;
  provenance: HfDatasetProvenance;
  /** The protocol an alias names; without one, the protocols are asked as for a file. */
  protocol?: BenchmarkProtocol;
}

/**
 * Resolves `--dataset`: a Hub alias (a protocol's files, or a split read as `hf:` is), `hf:OWNER/NAME[@REV][:SPLIT]`
 * (listed at a commit, each file downloaded into the cache and hashed), or a path, left as it is. A malformed `hf:`
 * spec is a usage error (exit 2), like any other bad option value.
 */
export async function resolveDatasetSource(spec: string, options: ResolveHfDatasetOptions = {}): Promise<DatasetSource> {
  const alias = hubAliases().get(spec);
  if (alias && 'split' in alias) return hubSplit(spec, alias.split, options, alias.protocol);
  if (alias) return { path: await alias.fetch(options) };
  if (isHfDatasetSpec(spec)) return hubSplit(spec, parseSpec(spec), options);
  return { path: spec };
}

async function hubSplit(spec: string, split: HfDatasetSpec, options: ResolveHfDatasetOptions, protocol?: BenchmarkProtocol): Promise<HubSplitSource> {
  const { files, provenance } = await hfDatasetFiles(await resolveHfDataset(split, options), spec);
  return { spec, files, provenance, ...(protocol ? { protocol } : {}) };
}

function parseSpec(spec: string): HfDatasetSpec {
  try {
    return parseHfDatasetSpec(spec);
  } catch (error) {
    if (error instanceof HubError && error.code === 'invalid') throw new SettingsError(`--dataset ${error.message}`);
    throw error;
  }
}
