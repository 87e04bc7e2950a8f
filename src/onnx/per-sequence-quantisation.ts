import { GraphRewriteError, type VocabProjection } from './find-vocab-projection.js';
import { floatConstant, int64Constant, reduce, unsqueeze } from './graph-helpers.js';
import type { NodeProto } from './onnx-proto.js';
import { intAttr, node, onnx } from './onnx-proto.js';

const UINT8 = 2;
const INT32 = 6;
const BOOL = 9;

/** A float tensor `[batch · seq, 1]` that the head reads per scored position (gathered like the hidden states). */
export interface PerPositionInput {
  /** `[batch · seq, 1]`, computed before the head. */
  flat: string;
  /** The name the head's nodes read it under, `[1, positions, 1]`. */
  position: string;
}

export interface PerSequenceQuantisation {
  /** The graph's nodes outside the head, each DynamicQuantizeLinear replaced by its per-sequence form. */
  body: NodeProto[];
  /** The head's nodes, with its quantiser reading the per-position range. */
  head: NodeProto[];
  /** Nodes computing `perPosition` from the full hidden states, to run before the head. */
  beforeHead: NodeProto[];
  perPosition: PerPositionInput[];
  /** Tensors whose exported value_info no longer holds (their shapes now have a batch dimension). */
  staleValueInfo: Set<string>;
  /** Whether the graph had any dynamic quantiser. */
  rewritten: boolean;
}

/**
 * onnxruntime's DynamicQuantizeLinear takes one range (min, max) over its whole input: in a batch that range spans
 * every row, their padding, and in the head one chunk of scored positions, so a sequence's scores would depend on
 * what it is batched with. A batch-1 run of the file quantises each activation over that one sequence. This rewrite
 * gives each row its own range, over its real tokens only (padding masked out), computed with onnxruntime's own rule
 * (range widened to include 0, scale = (max − min)/255, zero point = round(−min/scale) clamped to [0, 255], values
 * round-half-even and saturated), and the head quantises each scored position with its whole sequence's range.
 *
 * onnxruntime's MatMulInteger takes one zero point for A, so a per-row zero point z enters as
 * A·W − z·Σ_k(W − w_z): exact in int32, the same integers as the batch-1 product.
 *
 * The range of a batch-1 run of prompt + response covers the response too, so a prompt's cache cannot stand in for
 * the prompt: scoring graphs with this rewrite are marked (run-constraints.ts) and run every sequence whole.
 */
export function quantisePerSequence(nodes: NodeProto[], inputs: string[], projection: VocabProjection, opset: number): PerSequenceQuantisation {
  const moved = new Set(projection.nodes);
  const consumers = consumerMap(nodes);
  const stale = new Set<string>();
  const perPosition: PerPositionInput[] = [];
  const beforeHead: NodeProto[] = [];
  let rewritten = false;
  let maskEmitted = false;
  const mask: NodeProto[] = [];
  const needMask = () => {
    if (!maskEmitted) mask.push(...sequenceMaskNodes(opset));
    maskEmitted = true;
  };

  const dqlOutputs = new Set(nodes.filter((n) => n.opType === 'DynamicQuantizeLinear').flatMap((n) => n.output ?? []));
  const rewrite = (list: NodeProto[], inHead: boolean): NodeProto[] => {
    const out: NodeProto[] = [];
    for (const n of list) {
      if (n.opType === 'MatMulInteger' && dqlOutputs.has(n.input?.[2] ?? '')) {
        const { weightSums, product } = perRowMatMulInteger(n);
        // Σ_k(W − w_z) is a constant: in the main graph (folded once when the session starts), never inside the Scan.
        (inHead ? beforeHead : out).push(...weightSums);
        out.push(...product);
        for (const o of n.output ?? []) stale.add(o);
        continue;
      }
      if (n.opType !== 'DynamicQuantizeLinear') {
        out.push(n);
        continue;
      }
      rewritten = true;
      const missing = ['input_ids', 'attention_mask'].filter((name) => !inputs.includes(name));
      if (missing.length) {
        throw new GraphRewriteError(`the dynamic quantiser ${n.name} (DynamicQuantizeLinear) takes its range per sequence from the graph's ${missing.join(' and ')} input, which it lacks`);
      }
      needMask();
      checkConsumers(n, consumers);
      const [x] = n.input ?? [];
      const [q, scale, zeroPoint] = n.output ?? [];
      for (const name of [q, scale, zeroPoint]) if (name) stale.add(name);
      for (const c of [...(consumers.get(scale ?? '') ?? [])]) for (const o of c.output ?? []) stale.add(o);
      const p = `endorm/dq/${x}`;
      if (!inHead) {
        const range = rowRange(x!, p, opset);
        out.push(
          ...range.nodes,
          ...quantise(range.reshaped, range.scale, range.zeroPoint, `${p}/q`, p),
          node('Shape', [x!], [`${p}/x_shape`]),
          node('Reshape', [`${p}/q`, `${p}/x_shape`], [q!]),
          node('Identity', [range.scale], [scale!]),
          node('Cast', [range.zeroPoint], [zeroPoint!], [intAttr('to', UINT8)]),
        );
        continue;
      }
      if (x !== projection.hidden) {
        throw new GraphRewriteError(`the head's quantiser ${n.name} (DynamicQuantizeLinear) reads "${x}", not the hidden states "${projection.hidden}"; cannot quantise it per sequence`);
      }
      // The range of the whole sequence's hidden states, then each scored position reads its row's.
      const range = rowRange(x, p, opset);
      beforeHead.push(
        ...range.nodes,
        node('Where', ['endorm/seq_mask', range.scale, range.scale], [`${p}/scale_rows`]),
        node('Flatten', [`${p}/scale_rows`], [`${p}/scale_flat`], [intAttr('axis', 2)]),
        node('Where', ['endorm/seq_mask', range.zeroPoint, range.zeroPoint], [`${p}/zp_rows`]),
        node('Flatten', [`${p}/zp_rows`], [`${p}/zp_flat`], [intAttr('axis', 2)]),
      );
      perPosition.push({ flat: `${p}/scale_flat`, position: `${p}/scale_pos` }, { flat: `${p}/zp_flat`, position: `${p}/zp_pos` });
      out.push(
        ...quantise(x, `${p}/scale_pos`, `${p}/zp_pos`, q!, `${p}/head`),
        node('Identity', [`${p}/scale_pos`], [scale!]),
        node('Cast', [`${p}/zp_pos`], [zeroPoint!], [intAttr('to', UINT8)]),
      );
    }
    return out;
  };

  const body = rewrite(nodes.filter((n) => !moved.has(n)), false);
  const head = rewrite(projection.nodes, true);
  return { body: rewritten ? [...mask, ...body] : body, head, beforeHead, perPosition, staleValueInfo: stale, rewritten };
}

/** `endorm/seq_mask` `[batch, seq, 1]` bool: the positions of this run's tokens that are real, not padding. */
function sequenceMaskNodes(opset: number): NodeProto[] {
  return [
    // The run's own columns of attention_mask are its last `seq` (those before are a cached prefix's).
    node('Shape', ['input_ids'], ['endorm/seq_ids_shape']),
    int64Constant('endorm/seq_1', [1]),
    int64Constant('endorm/seq_2', [2]),
    node('Slice', ['endorm/seq_ids_shape', 'endorm/seq_1', 'endorm/seq_2'], ['endorm/seq_len']),
    node('Neg', ['endorm/seq_len'], ['endorm/seq_start']),
    int64Constant('endorm/seq_end', [Number.MAX_SAFE_INTEGER]),
    node('Slice', ['attention_mask', 'endorm/seq_start', 'endorm/seq_end', 'endorm/seq_1'], ['endorm/seq_mask_2d']),
    node('Cast', ['endorm/seq_mask_2d'], ['endorm/seq_mask_bool'], [intAttr('to', BOOL)]),
    ...unsqueeze('endorm/seq_mask_bool', 'endorm/seq_mask', [2], opset),
  ];
}

/**
 * Per row of x (`[batch, seq, …]`, viewed as `[batch, seq, features]`): onnxruntime's scale and zero point
 * (`[batch, 1, 1]`, the zero point as an integral float) over the row's real tokens.
 */
function rowRange(x: string, p: string, opset: number): { nodes: NodeProto[]; reshaped: string; scale: string; zeroPoint: string } {
  return {
    reshaped: `${p}/x3`,
    scale: `${p}/scale`,
    zeroPoint: `${p}/zp`,
    nodes: [
      int64Constant(`${p}/shape3`, [0, 0, -1]),
      node('Reshape', [x, `${p}/shape3`], [`${p}/x3`]),
      floatConstant(`${p}/zero`, 0),
      // Padding counts as 0, which the range includes anyway.
      node('Where', ['endorm/seq_mask', `${p}/x3`, `${p}/zero`], [`${p}/masked`]),
      ...reduce('ReduceMax', `${p}/masked`, `${p}/max_raw`, [1, 2], opset),
      ...reduce('ReduceMin', `${p}/masked`, `${p}/min_raw`, [1, 2], opset),
      node('Max', [`${p}/max_raw`, `${p}/zero`], [`${p}/max`]),
      node('Min', [`${p}/min_raw`, `${p}/zero`], [`${p}/min`]),
      node('Sub', [`${p}/max`, `${p}/min`], [`${p}/span`]),
      floatConstant(`${p}/levels`, 255),
      node('Div', [`${p}/span`, `${p}/levels`], [`${p}/scale_raw`]),
      // An all-zero row: onnxruntime's scale 1 (zero point 0)
      node('Equal', [`${p}/span`, `${p}/zero`], [`${p}/flat`]),
      floatConstant(`${p}/one`, 1),
      node('Where', [`${p}/flat`, `${p}/one`, `${p}/scale_raw`], [`${p}/scale`]),
      node('Div', [`${p}/min`, `${p}/scale`], [`${p}/min_steps`]),
      node('Neg', [`${p}/min_steps`], [`${p}/zp_raw`]),
      node('Clip', [`${p}/zp_raw`, `${p}/zero`, `${p}/levels`], [`${p}/zp_clipped`]),
      node('Round', [`${p}/zp_clipped`], [`${p}/zp`]),
    ],
  };
}

/** uint8 q = saturate(round_half_even(x / scale) + zero point), as onnxruntime's (MLAS) QuantizeLinear computes it. */
function quantise(x: string, scale: string, zeroPoint: string, q: string, p: string): NodeProto[] {
  return [
    floatConstant(`${p}/q_lo`, 0),
    floatConstant(`${p}/q_hi`, 255),
    node('Div', [x, scale], [`${p}/steps`]),
    node('Round', [`${p}/steps`], [`${p}/rounded`]),
    node('Add', [`${p}/rounded`, zeroPoint], [`${p}/shifted`]),
    node('Clip', [`${p}/shifted`, `${p}/q_lo`, `${p}/q_hi`], [`${p}/saturated`]),
    node('Cast', [`${p}/saturated`], [q], [intAttr('to', UINT8)]),
  ];
}

/** MatMulInteger(a, W, z, w_z) with z per row (`[batch or positions, 1]`-broadcastable): a·(W − w_z) − z·Σ_k(W − w_z). */
function perRowMatMulInteger(n: NodeProto): { weightSums: NodeProto[]; product: NodeProto[] } {
  const [a, w, zp, wz] = n.input ?? [];
  const out = n.output![0]!;
  const p = `endorm/mmi/${out}`;
  return {
    // Σ_k(W − w_z) as a product of W with a row of ones: onnxruntime folds it when the session starts, in its fast
    // integer GEMM and without an int32 copy of the weight.
    weightSums: [
      node('Shape', [w!], [`${p}/w_shape`]),
      int64Constant(`${p}/minus2`, [-2]),
      int64Constant(`${p}/minus1`, [-1]),
      node('Slice', [`${p}/w_shape`, `${p}/minus2`, `${p}/minus1`], [`${p}/k`]),
      int64Constant(`${p}/one`, [1]),
      node('Concat', [`${p}/one`, `${p}/k`], [`${p}/ones_shape`], [intAttr('axis', 0)]),
      {
        ...node('ConstantOfShape', [`${p}/ones_shape`], [`${p}/ones`]),
        attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: { dims: [1], dataType: UINT8, rawData: Uint8Array.of(1) } }],
      },
      node('MatMulInteger', wz ? [`${p}/ones`, w!, '', wz] : [`${p}/ones`, w!], [`${p}/colsum`]),
    ],
    product: [
      node('MatMulInteger', wz ? [a!, w!, '', wz] : [a!, w!], [`${p}/acc`], [], n.name ?? undefined),
      node('Cast', [zp!], [`${p}/zp_int`], [intAttr('to', INT32)]),
      node('Mul', [`${p}/zp_int`, `${p}/colsum`], [`${p}/correction`]),
      node('Sub', [`${p}/acc`, `${p}/correction`], [out]),
    ],
  };
}

function consumerMap(nodes: NodeProto[]): Map<string, NodeProto[]> {
  const map = new Map<string, NodeProto[]>();
  for (const n of nodes) for (const i of n.input ?? []) map.set(i, [...(map.get(i) ?? []), n]);
  return map;
}

/** The rewrite knows how each output of a dynamic quantiser is read: anything else stops it, naming the node and op. */
function checkConsumers(dql: NodeProto, consumers: Map<string, NodeProto[]>): void {
  const [q, scale, zeroPoint] = dql.output ?? [];
  const refuse = (c: NodeProto, what: string) => {
    throw new GraphRewriteError(
      `node ${c.name} (${c.opType}) reads ${what} of the dynamic quantiser ${dql.name}; endorm can only take that quantiser's range per sequence for MatMulInteger and scale multiplications`,
    );
  };
  for (const c of consumers.get(q ?? '') ?? []) if (c.opType !== 'MatMulInteger' || c.input?.[0] !== q) refuse(c, 'the quantised values');
  for (const c of consumers.get(zeroPoint ?? '') ?? []) if (c.opType !== 'MatMulInteger' || c.input?.[2] !== zeroPoint) refuse(c, 'the zero point');
  for (const c of consumers.get(scale ?? '') ?? []) if (c.opType !== 'Mul') refuse(c, 'the scale');
}
