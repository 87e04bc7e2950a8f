import { downloadHubFile } from '../model/hub/download-file.js';
import { HubError } from '../model/hub/hub-errors.js';
import { DEFAULT_REVISION } from '../model/hub/hub-paths.js';
import { resolveHubSettings, type HubAccessOptions } from '../model/hub/hub-settings.js';
import type { HubProgressCallback } from '../model/hub/progress.js';
import { listHubRepoFiles } from '../model/hub/repo-files.js';
import { formatHfDatasetSpec, type HfDatasetSpec } from './hf-dataset-spec.js';
import { datasetSplits, defaultSplit, splitFiles, type HubDataFormat } from './hub-split-files.js';

export interface HfDatasetFile {
  /** Path inside the dataset repository. */
  repoPath: string;
  /** Absolute local path in the cache. */
  path: string;
  /** For messages: `hf:OWNER/NAME/<repoPath>`. */
  displayName: string;
}

/** One split of a Hub dataset, downloaded. */
export interface ResolvedHfDataset {
  repo: string;
  /** As asked ("main" when none was). */
  revision: string;
  /** The commit the revision stood at: every file comes from it, and a run's provenance should name it. */
  commit: string;
  split: string;
  /** Every file has it. ".json" files may hold JSON Lines (common on the Hub): tell them apart by content. */
  format: HubDataFormat;
  /** In shard order. */
  files: HfDatasetFile[];
}

export interface ResolveHfDatasetOptions extends HubAccessOptions {
  onProgress?: HubProgressCallback;
}

/**
 * Lists the revision, picks the split's files (see hub-split-files.ts for the conventions) and downloads them into the
 * cache at the listed commit. Offline, both the list and the files come from the cache.
 */
export async function resolveHfDataset(spec: HfDatasetSpec, options: ResolveHfDatasetOptions = {}): Promise<ResolvedHfDataset> {
  const { repo } = spec;
  const revision = spec.revision ?? DEFAULT_REVISION;
  const settings = resolveHubSettings(options);
  // "" keeps "no token" from falling back to HF_TOKEN again in each request's own settings.
  const common = { ...settings, token: settings.token ?? '', signal: options.signal };
  const listing = await listHubRepoFiles({ ...common, repo, repoType: 'dataset', revision });
  const where = `dataset "${repo}" (revision ${revision}, commit ${listing.commit.slice(0, 7)})`;
  const splits = datasetSplits(listing.files);
  const split = spec.split ?? defaultSplit(listing.files);
  if (split === undefined) {
    throw new HubError(
      'not-found',
      splits.length === 0
        ? `${where} has no Parquet, JSONL or JSON data files named for a split (data/SPLIT-00000-of-00001.parquet, SPLIT.jsonl, SPLIT/...)`
        : `${where} has several splits (${splits.join(', ')}) and none is "train"; name one: ${formatHfDatasetSpec({ ...spec, split: splits[0]! })}`,
    );
  }
  const chosen = splitFiles(listing.files, split);
  if (chosen === undefined) {
    const known = splits.length === 0 ? 'it has no split in a supported format' : `its splits: ${splits.join(', ')}`;
    throw new HubError('not-found', `${where} has no Parquet, JSONL or JSON files for split "${split}"; ${known}`);
  }
  const files: HfDatasetFile[] = [];
  for (const repoPath of chosen.files) {
    const path = await downloadHubFile({ ...common, repo, repoType: 'dataset', path: repoPath, revision: listing.commit, onProgress: options.onProgress });
    files.push({ repoPath, path, displayName: `hf:${repo}/${repoPath}` });
  }
  return { repo, revision, commit: listing.commit, split, format: chosen.format, files };
}
