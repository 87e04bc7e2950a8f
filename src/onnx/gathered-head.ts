import type { VocabProjection } from './find-vocab-projection.js';
import { int64Constant, reduce, squeeze, unsqueeze } from './graph-helpers.js';
import type { NodeProto } from './onnx-proto.js';
import type { PerPositionInput } from './per-sequence-quantisation.js';
import { DataType, intAttr, node } from './onnx-proto.js';
import { SCORING_IO } from './scoring-io.js';

/**
 * The scoring head for GPUs: one pass, no Scan (onnxruntime's WebGPU provider has no Scan kernel, so a Scan head runs
 * on the CPU there) and only operators the WebGPU and CUDA providers implement. The hidden states of the scored
 * positions are gathered where they are, multiplied by the output embedding, and reduced there; a run returns
 * [positions × α] floats and the chosen logits. Its inputs and outputs have the Scan head's layout with a single chunk,
 * so the session feeds both alike; how many positions one run takes is bounded by the session (a memory budget).
 *
 * logsumexp(f/α) = m/α + log Σ exp((f − m)/α) with m = max f: the WebGPU provider's ReduceLogSumExp sums exp(x)
 * without subtracting the maximum, so the shift keeps every exponent ≤ 0 (no overflow at any α), and one shift of
 * [positions, vocab] serves every α. The WebGPU provider has no LogSoftmax kernel (the CPU head's reduction); its
 * Softmax would need log π(t) of the target, which underflows float32 for improbable targets.
 */
export function gatheredHeadNodes(projection: VocabProjection, logitsName: string, opset: number, perPosition: PerPositionInput[] = []): NodeProto[] {
  const h = 'endorm/h';
  const rename = (name: string) => (name === projection.hidden ? h : name);
  return [
    // [batch, seq, hidden] -> [batch * seq, hidden]
    node('Flatten', [projection.hidden], ['endorm/hidden_flat'], [intAttr('axis', 2)]),
    // index [1, 1, P] -> [1, P]; gathering with it gives [1, P, hidden], the rank the projection was exported for
    int64Constant('endorm/shape_1_n', [1, -1]),
    node('Reshape', [SCORING_IO.index, 'endorm/shape_1_n'], ['endorm/index_rows']),
    node('Gather', ['endorm/hidden_flat', 'endorm/index_rows'], [h], [intAttr('axis', 0)]),
    // what the head reads per position besides the hidden state (a quantiser's range): [1, P, 1]
    ...perPosition.map((x) => node('Gather', [x.flat, 'endorm/index_rows'], [x.position], [intAttr('axis', 0)])),
    ...projection.nodes.map((n) => ({ ...n, input: (n.input ?? []).map(rename) })),
    node('Cast', [logitsName], ['endorm/logits_f32'], [intAttr('to', DataType.FLOAT)]),
    // [1, P, vocab] -> [P, vocab]
    node('Flatten', ['endorm/logits_f32'], ['endorm/logits_2d'], [intAttr('axis', 2)]),
    int64Constant('endorm/shape_n_1', [-1, 1]),
    node('Reshape', [SCORING_IO.target, 'endorm/shape_n_1'], ['endorm/t']),
    node('GatherElements', ['endorm/logits_2d', 'endorm/t'], ['endorm/chosen'], [intAttr('axis', 1)]),
    ...reduce('ReduceMax', 'endorm/logits_2d', 'endorm/max', [1], opset),
    node('Sub', ['endorm/logits_2d', 'endorm/max'], ['endorm/shifted']),
    // [P, vocab] * [alphas, 1, 1] -> [alphas, P, vocab]
    node('Mul', ['endorm/shifted', SCORING_IO.invAlpha], ['endorm/scaled']),
    ...reduce('ReduceLogSumExp', 'endorm/scaled', 'endorm/lse_shifted', [2], opset),
    // [P, 1] * [alphas, 1, 1] -> [alphas, P, 1]: m/α
    node('Mul', ['endorm/max', SCORING_IO.invAlpha], ['endorm/max_scaled']),
    node('Add', ['endorm/lse_shifted', 'endorm/max_scaled'], ['endorm/lse_3d']),
    // [alphas, P, 1] -> [1, alphas, P] and [P, 1] -> [1, P, 1]: the Scan head's layout with one chunk
    ...squeeze('endorm/lse_3d', 'endorm/lse_2d', [2], opset),
    ...unsqueeze('endorm/lse_2d', SCORING_IO.logSumExp, [0], opset),
    ...unsqueeze('endorm/chosen', SCORING_IO.logit, [0], opset),
  ];
}
