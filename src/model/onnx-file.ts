import fs from 'node:fs/promises';
import path from 'node:path';
import { isOnnxDtype, ONNX_DTYPES, onnxModelFileName } from './hub/dtype-files.js';
import { ModelError } from './model-errors.js';

export function onnxFileName(dtype: string): string {
  if (!isOnnxDtype(dtype)) throw new ModelError(`unknown --dtype "${dtype}" (one of ${ONNX_DTYPES.join(', ')})`);
  return onnxModelFileName(dtype);
}

/** The ONNX file for `dtype` in a local model folder, or an error listing the dtypes the folder does have. */
export async function findOnnxFile(folder: string, dtype: string): Promise<string> {
  const name = onnxFileName(dtype);
  for (const candidate of [path.join(folder, 'onnx', name), path.join(folder, name)]) {
    try {
      const stat = await fs.stat(candidate);
      if (stat.size === 0) throw new ModelError(`${candidate} is empty (a half-written download?)`);
      return candidate;
    } catch (err) {
      if (err instanceof ModelError) throw err;
    }
  }
  const available = await availableDtypes(folder);
  throw new ModelError(
    `model folder ${folder} has no onnx/${name} for --dtype ${dtype}` +
      (available.length ? ` (available: ${available.join(', ')})` : ' and no ONNX weights at all'),
  );
}

async function availableDtypes(folder: string): Promise<string[]> {
  const names = new Set<string>();
  for (const dir of [path.join(folder, 'onnx'), folder]) {
    try {
      for (const f of await fs.readdir(dir)) names.add(f);
    } catch {
      /* folder absent */
    }
  }
  return ONNX_DTYPES.filter((d) => names.has(onnxFileName(d)));
}
