import type { GraphProto } from './onnx-proto.js';
import { DataType } from './onnx-proto.js';

/**
 * Inputs some exports add that endorm has no value of its own for, with the value that keeps the graph computing what
 * endorm reads. transformers ≥ 4.45 traces `lm_head(hidden_states[:, -num_logits_to_keep:, :])` with the count as an
 * input; 0 keeps every position (what transformers.js feeds), and the scoring head then picks positions itself.
 */
const FIXED_INPUTS: Record<string, number> = {
  num_logits_to_keep: 0,
  logits_to_keep: 0,
};

/** The graph with each such input replaced by a constant initializer of its fixed value (same name, type and rank). */
export function fixOptionalInputs(graph: GraphProto): GraphProto {
  const fixed = (graph.input ?? []).filter((i) => i.name && i.name in FIXED_INPUTS);
  if (fixed.length === 0) return graph;
  const initializers: NonNullable<GraphProto['initializer']> = fixed.map((i) => {
    const dims = (i.type?.tensorType?.shape?.dim ?? []).map(() => 1);
    const value = FIXED_INPUTS[i.name!];
    const elemType = i.type?.tensorType?.elemType ?? DataType.INT64;
    return elemType === DataType.INT64 ? { name: i.name, dataType: DataType.INT64, dims, int64Data: [value] } : { name: i.name, dataType: INT32, dims, int32Data: [value] };
  });
  const names = new Set(fixed.map((i) => i.name));
  return { ...graph, input: (graph.input ?? []).filter((i) => !names.has(i.name)), initializer: [...(graph.initializer ?? []), ...initializers] };
}

const INT32 = 6;
