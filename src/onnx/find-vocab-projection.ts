import type { GraphProto, NodeProto } from './onnx-proto.js';
import { DataType } from './onnx-proto.js';

/** Ops that multiply hidden states by the output embedding (plain, GEMM, and the quantised forms exporters use). */
const PROJECTION_OPS = new Set(['MatMul', 'Gemm', 'MatMulInteger', 'MatMulNBits', 'FusedMatMul', 'QLinearMatMul']);
/** Element-wise steps that may follow the projection (bias, cast, soft-capping, scaling of quantised outputs). */
const MAX_TAIL_NODES = 12;

export interface VocabProjection {
  /** Final hidden states, `[batch, seq, hidden]`: the one activation the projection reads. */
  hidden: string;
  /** ONNX element type of `hidden`. */
  hiddenType: number;
  /** Nodes from `hidden` to `logits`, in graph order; they move into the chunked head. */
  nodes: NodeProto[];
}

export class GraphRewriteError extends Error {}

/**
 * Finds the vocabulary projection that produces `logitsName`: walking back from the logits through element-wise steps
 * until the node that multiplies by a constant weight. Everything on that path runs per scored position instead of
 * per token; everything else stays in the body.
 */
export function findVocabProjection(graph: GraphProto, logitsName = 'logits'): VocabProjection {
  const nodes = graph.node ?? [];
  const producer = new Map<string, NodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  const constants = constantTensors(graph, producer);
  const isActivation = (name: string) => name !== '' && !constants.has(name);

  const path: NodeProto[] = [];
  let current = producer.get(logitsName);
  if (!current) throw new GraphRewriteError(`the ONNX graph has no node producing "${logitsName}"`);
  for (let step = 0; step < MAX_TAIL_NODES; step++) {
    path.push(current);
    const activations = (current.input ?? []).filter(isActivation);
    if (PROJECTION_OPS.has(current.opType ?? '')) {
      if (activations.length !== 1) {
        throw new GraphRewriteError(`the vocabulary projection ${current.name} reads ${activations.length} non-constant inputs; expected 1`);
      }
      let hidden = activations[0];
      // Dynamically quantised projections quantise the hidden states right before the integer matmul.
      const quantizer = producer.get(hidden);
      if (quantizer && quantizer.opType === 'DynamicQuantizeLinear') {
        path.push(quantizer);
        hidden = quantizer.input![0];
      }
      const order = new Map(nodes.map((n, i) => [n, i]));
      path.sort((a, b) => order.get(a)! - order.get(b)!);
      return { hidden, hiddenType: hiddenElementType(graph, hidden, current, constants), nodes: path };
    }
    if (activations.length !== 1) {
      throw new GraphRewriteError(
        `cannot find the vocabulary projection: ${current.opType} node ${current.name} before "${logitsName}" reads ${activations.length} non-constant inputs`,
      );
    }
    const next = producer.get(activations[0]);
    if (!next) throw new GraphRewriteError(`cannot find the vocabulary projection: "${activations[0]}" has no producer`);
    current = next;
  }
  throw new GraphRewriteError(`cannot find the vocabulary projection within ${MAX_TAIL_NODES} nodes of "${logitsName}"`);
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

function hiddenElementType(graph: GraphProto, hidden: string, projection: NodeProto, constants: Set<string>): number {
  const declared = [...(graph.valueInfo ?? []), ...(graph.input ?? [])].find((v) => v.name === hidden);
  const fromInfo = declared?.type?.tensorType?.elemType;
  if (fromInfo) return fromInfo;
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const floatTypes = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16]);
  // A float matmul's weight has the activation's type; quantised weights carry their scales in that type.
  for (const name of projection.input ?? []) {
    if (!constants.has(name)) continue;
    const t = initializers.get(name);
    if (t?.dataType && floatTypes.has(t.dataType)) return t.dataType;
  }
  return DataType.FLOAT;
}
