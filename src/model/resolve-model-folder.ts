import fs from 'node:fs/promises';
import path from 'node:path';
import type { HubProgressCallback } from './hub/progress.js';
import { ModelError } from './model-errors.js';

export interface ResolveModelOptions {
  dtype: string;
  /** A Hub model's branch, tag or commit (`--revision`, default "main"); refused for a local folder. */
  revision?: string;
  /** Never download; a Hub id must already be cached. */
  offline?: boolean;
  onDownloadProgress?: HubProgressCallback;
  /** Stops a download in flight (Ctrl-C); the partial file is removed. */
  signal?: AbortSignal;
  /** How long a Hub request may send nothing (see HubAccessOptions.timeoutMs); default ENDORM_HUB_TIMEOUT, else 30 s. */
  hubTimeoutMs?: number;
}

/** Where a model's files are: an absolute folder, and for a Hub model the revision asked for and its commit. */
export interface ModelFolder {
  folder: string;
  revision?: string;
  commit?: string;
}

/** A local folder is used as it is; anything else that looks like `owner/name` is a Hub id, downloaded and cached. */
export async function resolveModelFolder(spec: string, options: ResolveModelOptions): Promise<ModelFolder> {
  try {
    const stat = await fs.stat(spec);
    if (stat.isDirectory()) {
      if (options.revision !== undefined) throw new ModelError(`--revision ${options.revision} names a Hub commit, but --model ${spec} is a local folder`);
      return { folder: path.resolve(spec) };
    }
    throw new ModelError(`--model ${spec} is a file; give the model's folder (with config.json, tokenizer files, onnx/)`);
  } catch (err) {
    if (err instanceof ModelError) throw err;
  }
  if (!/^[\w.-]+\/[\w.-]+$/.test(spec)) {
    throw new ModelError(`--model ${spec}: no such folder, and not a Hub id of the form owner/name`);
  }
  const { resolveHubModel } = await import('./hub/resolve-hub-model.js');
  return resolveHubModel(spec, {
    dtype: options.dtype,
    revision: options.revision,
    offline: options.offline,
    onProgress: options.onDownloadProgress,
    signal: options.signal,
    ...(options.hubTimeoutMs !== undefined ? { timeoutMs: options.hubTimeoutMs } : {}),
  });
}
