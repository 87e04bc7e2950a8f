import type { GraphProto, NodeProto } from './onnx-proto.js';
import { DataType } from './onnx-proto.js';
import { elementTypes } from './element-types.js';
import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';

/**
 * Ops that multiply hidden states by the output embedding: plain, GEMM, and every quantised matmul onnxruntime has
 * (dynamic int8, 4-bit blocks, NF4/FP4, and the fused forms its optimiser writes).
 */
const PROJECTION_OPS = new Set([
  'MatMul',
  'Gemm',
  'FusedMatMul',
  'MatMulInteger',
  'QLinearMatMul',
  'MatMulNBits',
  'MatMulBnb4',
  'MatMulIntegerToFloat',
  'DynamicQuantizeMatMul',
  'QGemm',
]);
/** Element-wise steps that may follow the projection (bias, cast, soft-capping, scaling of quantised outputs). */
const MAX_TAIL_NODES = 12;

const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16]);

export interface VocabProjection {
  /** Final hidden states, `[batch, seq, hidden]`: the one activation the projection reads. */
  hidden: string;
  /** ONNX element type of `hidden`. */
  hiddenType: number;
  /** Nodes from `hidden` to `logits`, in graph order; they move into the chunked head. */
  nodes: NodeProto[];
}

export class GraphRewriteError extends EndormError {
  readonly exitCode = EXIT.model;
}

/**
 * Finds the vocabulary projection that produces `logitsName`: the nearest node before the logits that multiplies by a
 * constant weight. Its activation input (before any dynamic quantiser) is the final hidden state; every node on a
 * path from there to the logits (casts, biases, soft-capping, the scales of quantised matmuls) moves into the head.
 */
export function findVocabProjection(graph: GraphProto, logitsName = 'logits'): VocabProjection {
  const nodes = graph.node ?? [];
  const producer = new Map<string, NodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  const constants = constantTensors(graph, producer);
  const activations = (n: NodeProto) => (n.input ?? []).filter((name) => name !== '' && !constants.has(name));

  const last = producer.get(logitsName);
  if (!last) throw new GraphRewriteError(`the ONNX graph has no node producing "${logitsName}"`);
  const projection = nearestProjection(last, producer, activations);
  const inputs = activations(projection);
  // Dynamically quantised projections read the quantised hidden states and their zero point from one quantiser.
  const quantizers = new Set(inputs.map((i) => producer.get(i)).filter((n) => n?.opType === 'DynamicQuantizeLinear'));
  let hidden: string;
  if (quantizers.size === 1 && inputs.every((i) => quantizers.has(producer.get(i)))) {
    hidden = [...quantizers][0]!.input![0];
  } else if (inputs.length === 1) {
    hidden = inputs[0];
  } else {
    throw new GraphRewriteError(`the vocabulary projection ${projection.name} (${projection.opType}) reads ${inputs.length} non-constant inputs; expected 1`);
  }

  const head = nodesBetween(nodes, hidden, logitsName, producer);
  for (const n of head) {
    for (const input of n.input ?? []) {
      const from = producer.get(input);
      if (input !== hidden && from && !head.includes(from) && !constants.has(input)) {
        throw new GraphRewriteError(`the output head reads "${input}" from outside the head (node ${n.name}); cannot move it per position`);
      }
    }
  }
  return { hidden, hiddenType: hiddenElementType(graph, hidden, projection, constants), nodes: head };
}

/** Breadth-first from the logits backwards, through activations only, to the first matmul-like node. */
function nearestProjection(last: NodeProto, producer: Map<string, NodeProto>, activations: (n: NodeProto) => string[]): NodeProto {
  let frontier = [last];
  const seen = new Set<NodeProto>(frontier);
  for (let depth = 0; depth < MAX_TAIL_NODES && frontier.length; depth++) {
    const found = frontier.find((n) => PROJECTION_OPS.has(n.opType ?? ''));
    if (found) return found;
    const next: NodeProto[] = [];
    for (const n of frontier) {
      for (const input of activations(n)) {
        const p = producer.get(input);
        if (p && !seen.has(p)) {
          seen.add(p);
          next.push(p);
        }
      }
    }
    frontier = next;
  }
  throw new GraphRewriteError(`cannot find the vocabulary projection within ${MAX_TAIL_NODES} nodes of "${last.output?.[0]}"`);
}

/** Nodes that depend on `from` and that `to` depends on, in graph order. */
function nodesBetween(nodes: NodeProto[], from: string, to: string, producer: Map<string, NodeProto>): NodeProto[] {
  const downstream = new Set<string>([from]);
  const after = new Set<NodeProto>();
  for (const n of nodes) {
    if ((n.input ?? []).some((i) => downstream.has(i))) {
      after.add(n);
      for (const o of n.output ?? []) downstream.add(o);
    }
  }
  const needed = new Set<NodeProto>();
  const stack = [to];
  while (stack.length) {
    const n = producer.get(stack.pop()!);
    if (!n || !after.has(n) || needed.has(n)) continue;
    needed.add(n);
    stack.push(...(n.input ?? []));
  }
  return nodes.filter((n) => needed.has(n));
}

/** Names whose values do not depend on any graph input: initializers, Constant nodes, and nodes computed only from them. */
function constantTensors(graph: GraphProto, producer: Map<string, NodeProto>): Set<string> {
  const constants = new Set<string>((graph.initializer ?? []).map((t) => t.name ?? ''));
  const inputs = new Set((graph.input ?? []).map((i) => i.name ?? ''));
  for (const name of inputs) constants.delete(name); // an initializer that is also an input can be overridden
  const memo = new Map<string, boolean>();
  const visit = (name: string, depth: number): boolean => {
    if (constants.has(name)) return true;
    if (inputs.has(name) || depth > 64) return false;
    const cached = memo.get(name);
    if (cached !== undefined) return cached;
    const n = producer.get(name);
    const result = !!n && (n.opType === 'Constant' || (n.input ?? []).every((i) => i === '' || visit(i, depth + 1)));
    memo.set(name, result);
    return result;
  };
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (visit(o, 0)) constants.add(o);
  return constants;
}

/**
 * The hidden states' element type: declared, or inferred through the graph (exports over 2 GB often have no
 * value_info, and a tied head's weight is no initializer to read it from); failing both, a float matmul's constant
 * weight has the activation's type (quantised weights carry their scales in it); float32 when nothing says.
 */
function hiddenElementType(graph: GraphProto, hidden: string, projection: NodeProto, constants: Set<string>): number {
  const inferred = elementTypes(graph).get(hidden);
  if (inferred !== undefined && FLOAT_TYPES.has(inferred)) return inferred;
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  for (const name of projection.input ?? []) {
    if (!constants.has(name)) continue;
    const t = initializers.get(name);
    if (t?.dataType && FLOAT_TYPES.has(t.dataType)) return t.dataType;
  }
  return DataType.FLOAT;
}
