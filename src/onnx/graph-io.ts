import fs from 'node:fs/promises';
import { onnx, type ModelProto } from './onnx-proto.js';

/**
 * An ONNX file decoded without a session, to read what a session does not tell (its metadata, its nodes) or must be
 * told before it starts (which outputs stay on a GPU). Cheap for scoring graphs, whose weights live in an external
 * data file; decode once and ask the model for each.
 */
export async function readGraphFile(file: string): Promise<ModelProto> {
  return onnx.ModelProto.decode(await fs.readFile(file));
}

/** The graph's output names. */
export function outputNames(model: ModelProto): string[] {
  return (model.graph?.output ?? []).map((o) => o.name ?? '');
}

/** The model-level metadata (key → value), where the scoring graph records how it was rewritten. */
export function modelMetadata(model: ModelProto): Map<string, string> {
  return new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
}

/** The output names of an ONNX file. */
export async function graphOutputNames(file: string): Promise<string[]> {
  return outputNames(await readGraphFile(file));
}
