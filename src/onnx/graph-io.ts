import fs from 'node:fs/promises';
import { onnx } from './onnx-proto.js';

/**
 * The output names of an ONNX file, read from its graph without a session (a session on a GPU must be told before it
 * starts which outputs stay on the device). Cheap for scoring graphs, whose weights live in an external data file.
 */
export async function graphOutputNames(file: string): Promise<string[]> {
  const model = onnx.ModelProto.decode(await fs.readFile(file));
  return (model.graph?.output ?? []).map((o) => o.name ?? '');
}
