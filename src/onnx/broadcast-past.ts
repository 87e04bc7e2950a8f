import { int64Constant } from './graph-helpers.js';
import type { GraphProto, NodeProto } from './onnx-proto.js';
import { intAttr, node } from './onnx-proto.js';

const PAST_PREFIX = 'past_key_values.';

/**
 * Makes every `past_key_values.*` input batch 1 and repeats it for every row of the batch inside the graph (Expand),
 * so that a prompt's cache, returned by one run and fed to the next, never has to be copied row by row in JavaScript:
 * on a GPU it stays where it is. Runs without a cache feed an empty `[1, heads, 0, dim]` past.
 */
export function broadcastPastInputs(graph: GraphProto): GraphProto {
  const pasts = (graph.input ?? []).filter((i) => i.name?.startsWith(PAST_PREFIX));
  if (pasts.length === 0) return graph;
  const renamed = new Map(pasts.map((p) => [p.name!, `endorm/batched/${p.name}`]));
  const rename = (n: NodeProto): NodeProto => ({ ...n, input: (n.input ?? []).map((i) => renamed.get(i) ?? i) });
  const nodes: NodeProto[] = [
    node('Shape', ['input_ids'], ['endorm/ids_shape']),
    int64Constant('endorm/zero', [0]),
    int64Constant('endorm/one', [1]),
    node('Slice', ['endorm/ids_shape', 'endorm/zero', 'endorm/one'], ['endorm/batch']),
    int64Constant('endorm/ones_3', [1, 1, 1]),
    // [batch, 1, 1, 1]: Expand broadcasts [1, heads, past, dim] to [batch, heads, past, dim]
    node('Concat', ['endorm/batch', 'endorm/ones_3'], ['endorm/past_shape'], [intAttr('axis', 0)]),
    ...pasts.map((p) => node('Expand', [p.name!, 'endorm/past_shape'], [renamed.get(p.name!)!])),
  ];
  return {
    ...graph,
    node: [...nodes, ...(graph.node ?? []).map(rename)],
    input: (graph.input ?? []).map((i) => (renamed.has(i.name!) ? withBatchOne(i) : i)),
  };
}

function withBatchOne(input: NonNullable<GraphProto['input']>[number]): NonNullable<GraphProto['input']>[number] {
  const tensorType = input.type?.tensorType;
  const dims = tensorType?.shape?.dim;
  if (!tensorType || !dims?.length) return input;
  return { ...input, type: { ...input.type, tensorType: { ...tensorType, shape: { dim: [{ dimValue: 1 }, ...dims.slice(1)] } } } };
}
