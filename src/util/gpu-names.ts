import fs from 'node:fs';
import path from 'node:path';

/** Where the NVIDIA driver lists its GPUs on Linux, one folder per GPU with an `information` file. */
export const NVIDIA_GPUS_DIR = '/proc/driver/nvidia/gpus';

/**
 * The GPUs' model names, as the NVIDIA driver reports them (`NVIDIA H200`), for a run's provenance: onnxruntime-node
 * does not tell which adapter its WebGPU or CUDA provider picked, so this names what the machine has. Empty where the
 * driver is absent (another vendor, macOS, Windows, a CPU machine); never throws.
 */
export function gpuNames(root: string = NVIDIA_GPUS_DIR): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(root).sort();
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const entry of entries) {
    try {
      const info = fs.readFileSync(path.join(root, entry, 'information'), 'utf8');
      const model = /^Model:\s*(.+?)\s*$/m.exec(info)?.[1];
      if (model) names.push(model);
    } catch {
      // A GPU folder without a readable information file names nothing.
    }
  }
  return names;
}
