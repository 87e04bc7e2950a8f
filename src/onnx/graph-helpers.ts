import type { NodeProto } from './onnx-proto.js';
import { DataType, intAttr, intsAttr, node, onnx } from './onnx-proto.js';

/**
 * Nodes whose form changed between opsets (axes as an attribute or as an input), written for the graph's opset, so
 * that a rewrite works on every export the scoring graph accepts (opset 11 and newer).
 */

/** A Constant node holding an int64 vector. */
export function int64Constant(name: string, values: number[]): NodeProto {
  return {
    opType: 'Constant',
    name: `endorm/Constant/${name}`,
    input: [],
    output: [name],
    attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: { dims: [values.length], dataType: DataType.INT64, int64Data: values } }],
  };
}

export function squeeze(input: string, output: string, axes: number[], opset: number): NodeProto[] {
  return axesNode('Squeeze', input, output, axes, opset, 13, []);
}

export function unsqueeze(input: string, output: string, axes: number[], opset: number): NodeProto[] {
  return axesNode('Unsqueeze', input, output, axes, opset, 13, []);
}

/** ReduceMax / ReduceMin / ReduceLogSumExp / ReduceSum over `axes`, keeping the reduced dimensions unless told not to. */
export function reduce(op: 'ReduceMax' | 'ReduceMin' | 'ReduceLogSumExp' | 'ReduceSum', input: string, output: string, axes: number[], opset: number, keepdims = 1): NodeProto[] {
  // ReduceSum took its axes as an input from opset 13, the other reductions from 18.
  return axesNode(op, input, output, axes, opset, op === 'ReduceSum' ? 13 : 18, [intAttr('keepdims', keepdims)]);
}

/** A Constant node holding a float32 scalar. */
export function floatConstant(name: string, value: number): NodeProto {
  return {
    opType: 'Constant',
    name: `endorm/Constant/${name}`,
    input: [],
    output: [name],
    attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: { dims: [], dataType: DataType.FLOAT, floatData: [value] } }],
  };
}

function axesNode(op: string, input: string, output: string, axes: number[], opset: number, axesInputSince: number, extra: NonNullable<NodeProto['attribute']>): NodeProto[] {
  if (opset < axesInputSince) return [node(op, [input], [output], [intsAttr('axes', axes), ...extra])];
  const axesName = `${output}/axes`;
  return [int64Constant(axesName, axes), node(op, [input, axesName], [output], extra)];
}
