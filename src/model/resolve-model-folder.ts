import fs from 'node:fs/promises';
import type { HubProgressCallback } from './hub/progress.js';
import { ModelError } from './model-errors.js';

export interface ResolveModelOptions {
  dtype: string;
  /** Never download; a Hub id must already be cached. */
  offline?: boolean;
  onDownloadProgress?: HubProgressCallback;
  /** Stops a download in flight (Ctrl-C); the partial file is removed. */
  signal?: AbortSignal;
  /** How long a Hub request may send nothing (see HubAccessOptions.timeoutMs); default ENDORM_HUB_TIMEOUT, else 30 s. */
  hubTimeoutMs?: number;
}

/** A local folder is used as it is; anything else that looks like `owner/name` is a Hub id, downloaded and cached. */
export async function resolveModelFolder(spec: string, options: ResolveModelOptions): Promise<string> {
  try {
    const stat = await fs.stat(spec);
    if (stat.isDirectory()) return spec;
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
    offline: options.offline,
    onProgress: options.onDownloadProgress,
    signal: options.signal,
    ...(options.hubTimeoutMs !== undefined ? { timeoutMs: options.hubTimeoutMs } : {}),
  });
}
