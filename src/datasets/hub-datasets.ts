import { downloadHubFile } from '../model/hub/download-file.js';
import { HubError } from '../model/hub/hub-errors.js';
import type { HubAccessOptions } from '../model/hub/hub-settings.js';
import type { HubProgressCallback } from '../model/hub/progress.js';
import type { DatasetKind } from './pair.js';

/** A benchmark that `--dataset <alias>` fetches from the Hub instead of reading a local file. */
export interface HubDatasetSource {
  repo: string;
  /** File inside the dataset repository. */
  path: string;
  revision: string;
  kind: DatasetKind;
}

export const HUB_DATASETS: Readonly<Record<string, Readonly<HubDatasetSource>>> = Object.freeze({
  'rm-bench': Object.freeze({ repo: 'THU-KEG/RM-Bench', path: 'total_dataset.json', revision: 'main', kind: 'rm-bench' }),
});

export function isHubDatasetAlias(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(HUB_DATASETS, name);
}

export interface ResolveHubDatasetOptions extends HubAccessOptions {
  onProgress?: HubProgressCallback;
}

/** The local path of a known Hub benchmark's file, downloaded into the cache on first use. */
export async function resolveHubDataset(alias: string, options: ResolveHubDatasetOptions = {}): Promise<string> {
  if (!isHubDatasetAlias(alias)) {
    throw new HubError('invalid', `unknown Hub dataset "${alias}" (known: ${Object.keys(HUB_DATASETS).join(', ')})`);
  }
  const source = HUB_DATASETS[alias]!;
  return downloadHubFile({ ...options, repo: source.repo, repoType: 'dataset', path: source.path, revision: source.revision });
}
