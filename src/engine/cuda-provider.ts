import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { ModelError } from '../model/model-errors.js';

/** The CUDA execution provider's library, which onnxruntime-node loads beside its binding when a session asks for CUDA. */
export const CUDA_PROVIDER_LIBRARY = 'libonnxruntime_providers_cuda.so';

/** Where onnxruntime-node keeps its native binding for this platform. */
export function onnxruntimeBinDir(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  // .../onnxruntime-node/dist/index.js -> .../onnxruntime-node/bin/napi-v6/<platform>/<arch>
  return path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/**
 * Why `--device cuda` cannot work with this install, or undefined when the CUDA execution provider is there (a missing
 * GPU or driver is only found when the session starts). npm installs onnxruntime-node's CUDA binaries from NuGet in a
 * postinstall step, which offline installs and `--onnxruntime-node-install=skip` leave out.
 */
export function cudaUnavailableReason(binDir = onnxruntimeBinDir()): string | undefined {
  const backends = (ort as unknown as { listSupportedBackends?: () => Array<{ name: string; bundled: boolean }> }).listSupportedBackends?.() ?? [];
  const cuda = backends.find((b) => b.name === 'cuda');
  if (!cuda) {
    return `onnxruntime-node has no CUDA execution provider on ${process.platform}/${process.arch} (it ships one for linux/x64 only)`;
  }
  if (cuda.bundled) return undefined;
  const library = path.join(binDir, CUDA_PROVIDER_LIBRARY);
  if (!fs.existsSync(library)) {
    return (
      `onnxruntime-node's CUDA execution provider is not installed: ${CUDA_PROVIDER_LIBRARY} is missing from ${binDir} ` +
      `(its GPU binaries were skipped at install; on a linux/x64 machine with CUDA 12 and cuDNN 9, run ` +
      `\`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node\`, which fetches them from NuGet)`
    );
  }
  return undefined;
}

/** Throws a ModelError naming what is missing when `--device cuda` cannot work here. */
export function assertCudaAvailable(binDir?: string): void {
  const reason = cudaUnavailableReason(binDir);
  if (reason) throw new ModelError(`--device cuda: ${reason}; use --device cpu`);
}
