import type { LoadStatus } from '../engine/load-model.js';

/**
 * Status lines while a model loads, so that the seconds before the first progress are not silent: which model, the
 * scoring graph's one-time build on first use of a model file, onnxruntime starting, and how long it all took.
 */
export function createLoadStatus(options: { quiet?: boolean; write?: (line: string) => void } = {}): (status: LoadStatus) => void {
  if (options.quiet) return () => {};
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  return (status) => write(`endorm: ${loadStatusText(status)}`);
}

export function loadStatusText(status: LoadStatus): string {
  switch (status.phase) {
    case 'model':
      return `loading model ${status.spec} (config, tokenizer, ONNX file)…`;
    case 'graph':
      return `preparing the scoring graph of ${status.onnxFile}: a one-time step on first use of this model file (cached in ${status.cacheEntry})…`;
    case 'graph-wait':
      return `waiting for the scoring graph of ${status.onnxFile}, which another process (${status.holder}) is preparing in ${status.cacheEntry}…`;
    case 'session':
      return `starting onnxruntime on ${status.device}…`;
    case 'ready':
      return `model ready in ${status.seconds.toFixed(1)} s`;
  }
}
