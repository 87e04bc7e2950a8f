/**
 * Download progress, reported per file. The library never draws anything: the CLI turns these events into a bar
 * (or ignores them), so the callback type is all that lives here.
 */
export interface HubProgressEvent {
  /** Repository id, e.g. "onnx-community/Qwen3-0.6B-ONNX". */
  repo: string;
  /** Path inside the repository, e.g. "onnx/model_q4.onnx". */
  file: string;
  /** Bytes written so far. */
  loaded: number;
  /** Expected size from Content-Length; undefined when the server did not say. */
  total: number | undefined;
  /** True on the last event of a file, once it sits complete at its final path. */
  done: boolean;
}

export type HubProgressCallback = (event: HubProgressEvent) => void;
