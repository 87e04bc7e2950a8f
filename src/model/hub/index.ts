export { downloadHubFile, type DownloadHubFileOptions } from './download-file.js';
export {
  MAX_EXTERNAL_DATA_CHUNKS,
  ONNX_DTYPES,
  ONNX_DTYPE_SUFFIX,
  externalDataFileName,
  isOnnxDtype,
  onnxModelFileName,
  type OnnxDtype,
} from './dtype-files.js';
export { fileExistsOnHub, type FileExistsOnHubOptions } from './file-exists.js';
export { HubError, type HubErrorCode } from './hub-errors.js';
export {
  DEFAULT_REVISION,
  hubCachePath,
  hubFileUrl,
  hubRevisionFolder,
  type HubFileRef,
  type HubRepoType,
} from './hub-paths.js';
export {
  DEFAULT_HUB_ENDPOINT,
  hubCacheRoot,
  hubEndpoint,
  hubToken,
  resolveHubSettings,
  type HubAccessOptions,
  type HubSettings,
} from './hub-settings.js';
export type { HubProgressCallback, HubProgressEvent } from './progress.js';
export {
  OPTIONAL_MODEL_FILES,
  REQUIRED_MODEL_FILES,
  resolveHubModel,
  type ResolveHubModelOptions,
} from './resolve-hub-model.js';
