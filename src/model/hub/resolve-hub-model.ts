import { join } from 'node:path';
import { isRegularFile } from './cache-entries.js';
import { downloadHubFile } from './download-file.js';
import {
  MAX_EXTERNAL_DATA_CHUNKS,
  ONNX_DTYPES,
  externalDataFileName,
  isOnnxDtype,
  onnxModelFileName,
  type OnnxDtype,
} from './dtype-files.js';
import { HubError } from './hub-errors.js';
import { DEFAULT_REVISION, hubCachePath, hubRevisionFolder, validateRepoId } from './hub-paths.js';
import { resolveHubSettings, type HubAccessOptions } from './hub-settings.js';
import type { HubProgressCallback } from './progress.js';
import { cachedHubListing, listHubRepoFiles, type HubRepoListing } from './repo-files.js';

export interface ResolveHubModelOptions extends HubAccessOptions {
  /**
   * Which ONNX weights to fetch (an `OnnxDtype`; a plain string is accepted because it usually comes straight from
   * --dtype, and is checked here); default fp32 ("onnx/model.onnx").
   */
  dtype?: OnnxDtype | (string & {});
  /** Branch, tag or commit (`--revision`); default "main". */
  revision?: string;
  onProgress?: HubProgressCallback;
}

/** A Hub model in the cache: its folder, the revision asked for and the commit whose files the folder holds. */
export interface ResolvedHubModel {
  folder: string;
  revision: string;
  /** 40 hex digits; absent only for a copy cached by an older endorm under its revision's name (see legacyFolder). */
  commit?: string;
}

export const REQUIRED_MODEL_FILES = Object.freeze(['config.json', 'tokenizer.json', 'tokenizer_config.json']);
export const OPTIONAL_MODEL_FILES = Object.freeze(['special_tokens_map.json', 'generation_config.json']);

/**
 * Makes a Hub model available locally and returns its folder: the cache's folder of the commit the revision stands at,
 * which holds every file at its repository path, so it can be used exactly like a local model folder (config,
 * tokenizer, onnx/...), and all of its files come from that one commit.
 *
 * The revision is listed once (the Hub's repo-info API answers its commit and files, so nothing is probed); a model
 * whose files are all cached at the commit its revision was last listed at costs no request. Small files come first so
 * a wrong id or a missing tokenizer fails before gigabytes of weights are fetched.
 */
export async function resolveHubModel(id: string, options: ResolveHubModelOptions = {}): Promise<ResolvedHubModel> {
  validateRepoId(id, 'model');
  const dtype = options.dtype ?? 'fp32';
  if (!isOnnxDtype(dtype)) throw new HubError('invalid', `unknown dtype "${dtype}" (one of ${ONNX_DTYPES.join(', ')})`);
  // Resolve the environment once so every file of the model comes from the same endpoint into the same cache.
  const settings = resolveHubSettings(options);
  const revision = options.revision ?? DEFAULT_REVISION;
  const common = {
    ...settings,
    // "" keeps "no token" from falling back to HF_TOKEN again in each file's own settings.
    token: settings.token ?? '',
    repo: id,
    repoType: 'model' as const,
    signal: options.signal,
  };
  let listing = settings.offline ? undefined : await cachedHubListing(settings.cacheRoot, id, 'model', revision);
  if (listing === undefined || !(await allCached(settings.cacheRoot, id, listing, dtype))) {
    try {
      listing = await listHubRepoFiles({ ...common, revision });
    } catch (err) {
      const legacy = err instanceof HubError && err.code === 'not-cached' ? await legacyFolder(settings.cacheRoot, id, revision, dtype) : undefined;
      if (legacy === undefined) throw err;
      return { folder: legacy, revision };
    }
  }
  const files = modelFiles(id, listing, dtype);
  for (const path of files) await downloadHubFile({ ...common, path, revision: listing.commit, onProgress: options.onProgress });
  return { folder: hubRevisionFolder(settings.cacheRoot, id, 'model', listing.commit), revision, commit: listing.commit };
}

/**
 * The files of the listing that a run reads, in download order; a repo without a required file or without weights
 * for the dtype fails before any download.
 */
function modelFiles(id: string, listing: HubRepoListing, dtype: OnnxDtype): string[] {
  const onnxPath = onnxFilePath(dtype);
  const listed = new Set(listing.files);
  const where = `model "${id}"`;
  for (const file of REQUIRED_MODEL_FILES) {
    if (!listed.has(file)) throw new HubError('not-found', `${where} has no file "${file}" on the Hub (revision ${listing.revision})`);
  }
  if (!listed.has(onnxPath)) {
    throw new HubError(
      'not-found',
      `${where} has no file "${onnxPath}" on the Hub (revision ${listing.revision}): it has no ONNX weights for dtype ${dtype}; try another --dtype, ` +
        `or a repo exported for transformers.js (with an onnx/ folder)`,
    );
  }
  // Large models keep their weights beside the graph, in chunks named as transformers.js names them.
  const chunks: string[] = [];
  for (let index = 0; index < MAX_EXTERNAL_DATA_CHUNKS; index++) {
    const chunk = externalDataFileName(onnxPath, index);
    if (!listed.has(chunk)) break;
    chunks.push(chunk);
  }
  return [...REQUIRED_MODEL_FILES, ...OPTIONAL_MODEL_FILES.filter((f) => listed.has(f)), onnxPath, ...chunks];
}

async function allCached(cacheRoot: string, id: string, listing: HubRepoListing, dtype: OnnxDtype): Promise<boolean> {
  let files: string[];
  try {
    files = modelFiles(id, listing, dtype);
  } catch {
    return false;
  }
  for (const path of files) {
    if (!(await isRegularFile(hubCachePath(cacheRoot, { repo: id, repoType: 'model', path, revision: listing.commit })))) return false;
  }
  return true;
}

function onnxFilePath(dtype: OnnxDtype): string {
  return `onnx/${onnxModelFileName(dtype)}`;
}

/**
 * Earlier endorm kept a model under its revision's name (`…/main/`) and kept no file list. Offline, such a copy is
 * still used when it holds every file a run needs, rather than failing on a model the user has; its commit is unknown.
 */
async function legacyFolder(cacheRoot: string, id: string, revision: string, dtype: OnnxDtype): Promise<string | undefined> {
  const folder = hubRevisionFolder(cacheRoot, id, 'model', revision);
  const needed = [...REQUIRED_MODEL_FILES, `onnx/${onnxModelFileName(dtype)}`];
  for (const file of needed) if (!(await isRegularFile(join(folder, file)))) return undefined;
  return folder;
}
