import { broadcastPastInputs } from './broadcast-past.js';
import { findVocabProjection, type VocabProjection } from './find-vocab-projection.js';
import { gatheredHeadNodes } from './gathered-head.js';
import { quantisePerSequence, type PerPositionInput } from './per-sequence-quantisation.js';
import { withRunConstraints } from './run-constraints.js';
import { fixOptionalInputs } from './optional-inputs.js';
import { squeeze } from './graph-helpers.js';
import type { GraphProto, ModelProto, NodeProto } from './onnx-proto.js';
import { DataType, graphAttr, intAttr, node, tensorInfo } from './onnx-proto.js';
import { SCORING_IO, type ScoringHead } from './scoring-io.js';

/** Bumped whenever the rewrite changes, so cached graphs from older versions are rebuilt. */
export const SCORING_GRAPH_VERSION = 4;

export interface ScoringGraphOptions {
  /** Which head takes the vocabulary product (see ScoringHead); default `scan`. */
  head?: ScoringHead;
  logitsName?: string;
}

/**
 * Rewrites a causal LM's graph so that a run returns, per scored position, only the chosen token's logit and
 * logsumexp(f/α) for each α: the `[batch, seq, vocab]` logits never exist. The model's `present.*` outputs stay, so the
 * same graph serves runs on top of a cached prompt.
 */
export function buildScoringGraph(model: ModelProto, options: ScoringGraphOptions = {}): ModelProto {
  const logitsName = options.logitsName ?? 'logits';
  if (!model.graph) throw new Error('the ONNX model has no graph');
  const graph = fixOptionalInputs(model.graph);
  const opset = defaultOpset(model);
  if (opset < 11) throw new Error(`ONNX opset ${opset} is too old for the scoring head (needs 11 or newer)`);
  const found = findVocabProjection(graph, logitsName);
  const quantised = quantisePerSequence(graph.node ?? [], (graph.input ?? []).map((i) => i.name ?? ''), found, opset);
  const projection = { ...found, nodes: quantised.head };
  const gathered = options.head === 'gathered';
  const headNodes = gathered
    ? gatheredHeadNodes(projection, logitsName, opset, quantised.perPosition)
    : scanHeadNodes(projection, logitsName, opset, quantised.perPosition);

  const newGraph: GraphProto = {
    ...graph,
    node: [...quantised.body, ...quantised.beforeHead, ...headNodes],
    input: [
      ...(graph.input ?? []),
      tensorInfo(SCORING_IO.index, DataType.INT64, ['chunks', 1, 'chunk']),
      tensorInfo(SCORING_IO.target, DataType.INT64, ['chunks', 'chunk', 1]),
      tensorInfo(SCORING_IO.invAlpha, DataType.FLOAT, ['alphas', 1, 1]),
    ],
    output: [
      tensorInfo(SCORING_IO.logit, DataType.FLOAT, ['chunks', 'chunk', 1]),
      tensorInfo(SCORING_IO.logSumExp, DataType.FLOAT, ['chunks', 'alphas', 'chunk']),
      ...(graph.output ?? []).filter((o) => o.name !== logitsName),
    ],
    // Shapes recorded by the exporter for moved tensors no longer hold (they are per chunk now).
    valueInfo: (graph.valueInfo ?? []).filter(
      (v) => !found.nodes.some((n) => (n.output ?? []).includes(v.name ?? '')) && !quantised.staleValueInfo.has(v.name ?? ''),
    ),
  };
  const metadataProps = withRunConstraints(model, {
    noPromptCache: quantised.rewritten ? 'activations are quantised with each whole sequence\'s range' : undefined,
    oneSequencePerRunOnCpu: found.hiddenType === DataType.FLOAT ? undefined : 'activations are half precision',
  });
  return { ...model, metadataProps, graph: gathered ? broadcastPastInputs(newGraph) : newGraph };
}

function defaultOpset(model: ModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return Number(entry?.version ?? 0);
}

/**
 * The CPU head: the vocabulary projection moves into a Scan over chunks of scored positions, so at most
 * `[alphas, chunk, vocab]` floats exist per step.
 */
function scanHeadNodes(projection: VocabProjection, logitsName: string, opset: number, perPosition: PerPositionInput[]): NodeProto[] {
  const h = 'endorm/h';
  const rename = (name: string) => (name === projection.hidden ? h : name);
  const bodyNodes: NodeProto[] = projection.nodes.map((n) => ({ ...n, input: (n.input ?? []).map(rename) }));
  bodyNodes.push(
    node('Cast', [logitsName], ['endorm/logits_f32'], [intAttr('to', DataType.FLOAT)]),
    // [1, chunk, vocab] -> [chunk, vocab]
    node('Flatten', ['endorm/logits_f32'], ['endorm/logits_2d'], [intAttr('axis', 2)]),
    node('GatherElements', ['endorm/logits_2d', 'endorm/t'], ['endorm/chosen'], [intAttr('axis', 1)]),
    // [alphas, 1, 1] * [chunk, vocab] -> [alphas, chunk, vocab]
    node('Mul', ['endorm/logits_2d', SCORING_IO.invAlpha], ['endorm/scaled']),
    ...logSumExpAtTarget('endorm/scaled', 'endorm/chosen', 'endorm/t', 'endorm/lse', opset),
  );
  const body: GraphProto = {
    name: 'endorm_scoring_head',
    node: bodyNodes,
    input: [tensorInfo(h, projection.hiddenType), tensorInfo('endorm/t', DataType.INT64), ...perPosition.map((x) => tensorInfo(x.position, DataType.FLOAT))],
    output: [tensorInfo('endorm/chosen', DataType.FLOAT), tensorInfo('endorm/lse', DataType.FLOAT)],
  };
  return [
    // [batch, seq, hidden] -> [batch * seq, hidden]
    node('Flatten', [projection.hidden], ['endorm/hidden_flat'], [intAttr('axis', 2)]),
    // -> [chunks, 1, chunk, hidden]: each Scan step sees [1, chunk, hidden], the rank the projection was exported for
    node('Gather', ['endorm/hidden_flat', SCORING_IO.index], ['endorm/hidden_chunks'], [intAttr('axis', 0)]),
    // what the head reads per position besides the hidden state (a quantiser's range), chunked alike
    ...perPosition.map((x) => node('Gather', [x.flat, SCORING_IO.index], [`${x.position}/chunks`], [intAttr('axis', 0)])),
    node(
      'Scan',
      ['endorm/hidden_chunks', SCORING_IO.target, ...perPosition.map((x) => `${x.position}/chunks`)],
      [SCORING_IO.logit, SCORING_IO.logSumExp],
      [graphAttr('body', body), intAttr('num_scan_inputs', 2 + perPosition.length)],
    ),
  ];
}

/**
 * logsumexp(f/α) over the vocabulary, as f(t)/α − log softmax(f/α)(t) for the target t: onnxruntime's LogSoftmax is one
 * fused, vectorised kernel (max, sum of exp, write); with the product it was up to 1.6× faster per chunk than
 * ReduceLogSumExp on CPU (256 rows), never slower, and it subtracts the max, so large logits do not overflow. The float32 rounding of the difference is an ulp of
 * |log π_α(t)|: 2e-6 at log π = −30, 3e-5 at −500.
 */
function logSumExpAtTarget(scaled: string, chosen: string, target: string, output: string, opset: number): NodeProto[] {
  return [
    // [alphas, chunk, vocab]
    node('LogSoftmax', [scaled], ['endorm/log_softmax'], [intAttr('axis', -1)]),
    // [alphas, 1, 1] * [chunk, 1] -> [alphas, chunk, 1]: f(t)/α
    node('Mul', [chosen, SCORING_IO.invAlpha], ['endorm/chosen_scaled']),
    node('Shape', ['endorm/chosen_scaled'], ['endorm/chosen_shape']),
    node('Expand', [target, 'endorm/chosen_shape'], ['endorm/t_alphas']),
    node('GatherElements', ['endorm/log_softmax', 'endorm/t_alphas'], ['endorm/log_pi'], [intAttr('axis', 2)]),
    node('Sub', ['endorm/chosen_scaled', 'endorm/log_pi'], ['endorm/lse_3d']),
    // [alphas, chunk, 1] -> [alphas, chunk]
    ...squeeze('endorm/lse_3d', output, [2], opset),
  ];
}
