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

/** The model-level metadata (key → value) of an ONNX file, where the scoring graph records how it was rewritten. */
export async function graphMetadata(file: string): Promise<Map<string, string>> {
  const model = onnx.ModelProto.decode(await fs.readFile(file));
  return new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
}
