import type { DeviceChoice } from '../engine/devices.js';
import { loadModel, type LoadedModel, type LoadStatus } from '../engine/load-model.js';
import type { HubProgressEvent } from '../model/hub/progress.js';

/** What every library call that loads a model takes about it. */
export interface ModelChoice {
  /** A model folder (config.json, tokenizer, onnx/) or a Hub id. */
  model: string;
  /** A Hub model's branch, tag or commit (default "main"); a run records the commit it resolved to. */
  revision?: string;
  /** Which ONNX weights (transformers.js naming); default: the device's (fp32). */
  dtype?: string;
  offline?: boolean;
  /** Seconds a Hub request may send nothing before it is given up (default ENDORM_HUB_TIMEOUT, else 30). */
  hubTimeout?: number;
  device?: DeviceChoice;
  threads?: number;
  cacheDir?: string;
  /** Told what loading the model is busy with (see LoadStatus). */
  onStatus?: (status: LoadStatus) => void;
  onDownloadProgress?: (e: HubProgressEvent) => void;
  /** Told of what the call repaired on its way (a damaged cached scoring graph rebuilt; for a run, a stale run lock taken over). */
  onNote?: (message: string) => void;
  signal?: AbortSignal;
}

/** Loads `o.model` for scoring at the temperatures `alphas`. */
export function loadModelFor(o: ModelChoice, alphas: number[]): Promise<LoadedModel> {
  return loadModel(o.model, {
    dtype: o.dtype,
    ...(o.revision !== undefined ? { revision: o.revision } : {}),
    offline: o.offline,
    ...(o.hubTimeout !== undefined ? { hubTimeoutMs: o.hubTimeout * 1000 } : {}),
    alphas,
    threads: o.threads,
    device: o.device,
    cacheDir: o.cacheDir,
    onDownloadProgress: o.onDownloadProgress,
    onNote: o.onNote,
    onStatus: o.onStatus,
    signal: o.signal,
  });
}
