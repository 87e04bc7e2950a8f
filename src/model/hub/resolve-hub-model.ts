import { downloadHubFile } from './download-file.js';
import {
  MAX_EXTERNAL_DATA_CHUNKS,
  ONNX_DTYPES,
  externalDataFileName,
  isOnnxDtype,
  onnxModelFileName,
  type OnnxDtype,
} from './dtype-files.js';
import { fileExistsOnHub } from './file-exists.js';
import { HubError } from './hub-errors.js';
import { DEFAULT_REVISION, hubRevisionFolder, validateRepoId } from './hub-paths.js';
import { resolveHubSettings, type HubAccessOptions } from './hub-settings.js';
import type { HubProgressCallback } from './progress.js';

export interface ResolveHubModelOptions extends HubAccessOptions {
  /**
   * Which ONNX weights to fetch (an `OnnxDtype`; a plain string is accepted because it usually comes straight from
   * --dtype, and is checked here); default fp32 ("onnx/model.onnx").
   */
  dtype?: OnnxDtype | (string & {});
  revision?: string;
  onProgress?: HubProgressCallback;
}

export const REQUIRED_MODEL_FILES = Object.freeze(['config.json', 'tokenizer.json', 'tokenizer_config.json']);
export const OPTIONAL_MODEL_FILES = Object.freeze(['special_tokens_map.json', 'generation_config.json']);

/**
 * Makes a Hub model available locally and returns its folder: the cache's revision folder, which holds every file
 * at its repository path, so it can be used exactly like a local model folder (config, tokenizer, onnx/...).
 *
 * Small files come first so a wrong id or a missing tokenizer fails before gigabytes of weights are fetched.
 */
export async function resolveHubModel(id: string, options: ResolveHubModelOptions = {}): Promise<string> {
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
    revision,
    signal: options.signal,
    onProgress: options.onProgress,
  };
  const fetchFile = (path: string) => downloadHubFile({ ...common, path });
  const fetchIfPresent = async (path: string) => {
    if (!(await fileExistsOnHub({ ...common, path }))) return false;
    await fetchFile(path);
    return true;
  };

  for (const file of REQUIRED_MODEL_FILES) await fetchFile(file);
  for (const file of OPTIONAL_MODEL_FILES) await fetchIfPresent(file);

  const onnxPath = `onnx/${onnxModelFileName(dtype)}`;
  try {
    await fetchFile(onnxPath);
  } catch (err) {
    if (err instanceof HubError && err.code === 'not-found') {
      throw new HubError(
        'not-found',
        `${err.message}: it has no ONNX weights for dtype ${dtype}; try another --dtype, or a repo exported for ` +
          `transformers.js (with an onnx/ folder)`,
        { url: err.details.url, status: err.details.status, cause: err },
      );
    }
    throw err;
  }

  // Large models keep their weights beside the graph; the chunk count is not listed anywhere cheap, so probe
  // chunk after chunk until one is missing.
  for (let index = 0; index < MAX_EXTERNAL_DATA_CHUNKS; index++) {
    if (!(await fetchIfPresent(`onnx/${externalDataFileName(onnxModelFileName(dtype), index)}`))) break;
  }

  return hubRevisionFolder(settings.cacheRoot, id, 'model', revision);
}

