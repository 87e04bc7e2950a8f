import type { GraphProto } from './onnx-proto.js';

/**
 * Attention kernels that cannot run every batch endorm would give them. onnxruntime's GroupQueryAttention (the
 * onnxruntime-genai model builder's layout) refuses "batch_size must be 1 when sequence_length > 1 and past context is
 * given": a batch of responses on a shared prompt's cache. Without a past it takes right-padded batches (seqlens_k
 * is each row's length, from the attention mask).
 */
const ONE_ROW_ON_A_PAST = new Set(['GroupQueryAttention']);

export interface AttentionLimits {
  /** The op whose limit applies, when one does (named in notes and errors). */
  kernel?: string;
  /** Most rows of a run of more than one token on top of a cache. */
  rowsOnPast: number;
}

/** The limits of a graph's attention, from its node list (subgraphs included). */
export function attentionLimits(graph: GraphProto): AttentionLimits {
  const kernel = findOp(graph, ONE_ROW_ON_A_PAST);
  return kernel ? { kernel, rowsOnPast: 1 } : { rowsOnPast: Number.POSITIVE_INFINITY };
}

function findOp(graph: GraphProto, ops: Set<string>): string | undefined {
  for (const n of graph.node ?? []) {
    if (ops.has(n.opType ?? '')) return n.opType!;
    for (const a of n.attribute ?? []) {
      const found = (a.g ? [a.g] : []).concat(a.graphs ?? []).map((g) => findOp(g, ops)).find(Boolean);
      if (found) return found;
    }
  }
  return undefined;
}
