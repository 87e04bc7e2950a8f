import { downloadHubFile } from '../model/hub/download-file.js';
import type { HubAccessOptions } from '../model/hub/hub-settings.js';
import type { HubProgressCallback } from '../model/hub/progress.js';

/** One file of a Hub dataset repository (a benchmark protocol's `--dataset <alias>` names one). */
export interface HubDatasetFile {
  repo: string;
  /** File inside the dataset repository. */
  path: string;
  revision: string;
}

export interface DownloadHubDatasetOptions extends HubAccessOptions {
  onProgress?: HubProgressCallback;
}

/** The local path of a Hub dataset file, downloaded into the cache on first use. */
export async function downloadHubDatasetFile(source: HubDatasetFile, options: DownloadHubDatasetOptions = {}): Promise<string> {
  return downloadHubFile({ ...options, repo: source.repo, repoType: 'dataset', path: source.path, revision: source.revision });
}
