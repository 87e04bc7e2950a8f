import type { GraphProto, NodeProto } from './onnx-proto.js';
import { DataType } from './onnx-proto.js';

const BOOL = 9;
const INT32 = 6;
const UINT8 = 2;

/** Ops whose (first) output has a fixed element type whatever their inputs. */
const FIXED_OUTPUT: Record<string, number> = {
  Shape: DataType.INT64,
  Size: DataType.INT64,
  NonZero: DataType.INT64,
  ArgMax: DataType.INT64,
  ArgMin: DataType.INT64,
  MatMulInteger: INT32,
  ConvInteger: INT32,
  Equal: BOOL,
  Less: BOOL,
  LessOrEqual: BOOL,
  Greater: BOOL,
  GreaterOrEqual: BOOL,
  Not: BOOL,
  And: BOOL,
  Or: BOOL,
  Xor: BOOL,
  IsNaN: BOOL,
  IsInf: BOOL,
};

/** Ops whose output takes the element type of one particular input (the data, not the indices or the condition). */
const TYPE_FROM_INPUT: Record<string, number> = {
  Where: 1,
  DequantizeLinear: 1, // the scale's type
  GatherBlockQuantized: 2, // the scales' type
};

const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Mod']);

/**
 * The element type of every tensor of a graph that can be known without running it: declared value_info, inputs and
 * initializers first, then node by node (graphs are stored in topological order) by each op's typing rule. Exports
 * over 2 GB often carry no value_info (transformers.js's float16 conversion skips shape inference there), so a rewrite
 * that must declare a tensor's type cannot rely on it being declared.
 */
export function elementTypes(graph: GraphProto): Map<string, number> {
  const types = new Map<string, number>();
  for (const t of graph.initializer ?? []) if (t.name && t.dataType) types.set(t.name, t.dataType);
  const declared = [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])];
  for (const v of declared) {
    const elemType = v.type?.tensorType?.elemType;
    if (v.name && elemType) types.set(v.name, elemType);
  }
  for (const n of graph.node ?? []) {
    const outputs = n.output ?? [];
    const inferred = outputTypes(n, types);
    outputs.forEach((o, i) => {
      if (o && !types.has(o) && inferred[i] !== undefined) types.set(o, inferred[i]!);
    });
  }
  return types;
}

function outputTypes(n: NodeProto, types: Map<string, number>): Array<number | undefined> {
  const op = n.opType ?? '';
  const inputs = n.input ?? [];
  const attr = (name: string) => (n.attribute ?? []).find((a) => a.name === name);
  if (op === 'Constant') {
    const value = attr('value')?.t?.dataType ?? (attr('value_float') || attr('value_floats') ? DataType.FLOAT : undefined);
    return [value ?? (attr('value_int') || attr('value_ints') ? DataType.INT64 : undefined)];
  }
  if (op === 'ConstantOfShape') return [attr('value')?.t?.dataType ?? DataType.FLOAT];
  if (op === 'Cast') return [Number(attr('to')?.i ?? 0) || undefined];
  if (op === 'DynamicQuantizeLinear') return [UINT8, DataType.FLOAT, UINT8];
  if (op === 'QuantizeLinear') return [types.get(inputs[2] ?? '') ?? UINT8];
  if (op in FIXED_OUTPUT) return [FIXED_OUTPUT[op]];
  if (op in TYPE_FROM_INPUT) return [types.get(inputs[TYPE_FROM_INPUT[op]] ?? '')];
  // Everything else (shape ops, Gather, matmuls including MatMulNBits/MatMulBnb4, normalisations) keeps its data
  // input's type; element-wise arithmetic has one type for all inputs, so any known one serves.
  const data = ELEMENTWISE.has(op) ? inputs.map((i) => types.get(i)).find((t) => t !== undefined) : types.get(inputs[0] ?? '');
  return (n.output ?? []).map(() => data);
}
