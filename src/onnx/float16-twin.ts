import type { GraphProto, ModelProto, NodeProto, OnnxTypes } from './onnx-proto.js';
import { DataType, intAttr, node, onnx } from './onnx-proto.js';

type Tensor = OnnxTypes.ITensorProto;

/** Operators whose output is never a float, whatever their inputs. */
const NON_FLOAT_OUTPUT = new Set(['Shape', 'Size', 'Equal', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual', 'And', 'Or', 'Not', 'Xor', 'ArgMax', 'ArgMin', 'NonZero', 'IsNaN', 'IsInf']);
/** Operators that read a float input only for its shape or type: they take either precision as it is. */
const SHAPE_ONLY = new Set(['Shape', 'Size', 'Cast']);
/** Operators without a float16 form in the ONNX spec: kept in float32. */
const FLOAT32_ONLY = new Set(['Range']);
/** Bits of float16's largest finite value, 65504: larger magnitudes (an attention mask's float32 minimum) are clamped to it, not infinite. */
const FLOAT16_MAX_BITS = 0x7bff;

/**
 * The float16 twin of a float32 model, for GPU tests and benches: weights, activations, the cache inputs and the
 * outputs in float16, like the `model_fp16.onnx` exports of transformers.js; endorm's scoring head casts the logits
 * back to float32 before it reduces them. Position arithmetic stays float32: every float computed from integers only
 * (a Cast of position ids or shapes to float, and what follows from it with constants: rotary angles, their cos and
 * sin) keeps float32, since float16 holds integers exactly only up to 2048; a Cast to float16 joins it to the rest.
 * Weights must be inline (random-llama exports are).
 */
export function float16Twin(model: ModelProto): ModelProto {
  const graph = model.graph;
  if (!graph) throw new Error('the ONNX model has no graph');
  const nodes = graph.node ?? [];
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const isFloat = new Set<string>();
  const constant = new Set<string>();
  const exact = new Set<string>();
  for (const t of initializers.values()) {
    if (t.dataType !== DataType.FLOAT) continue;
    if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) throw new Error(`initializer ${t.name} is in an external data file; float16Twin needs inline weights`);
    isFloat.add(t.name!);
    constant.add(t.name!);
  }
  for (const i of graph.input ?? []) if (i.type?.tensorType?.elemType === DataType.FLOAT) isFloat.add(i.name!);

  // Which tensors are floats, and which of them are exact (from integers and constants only): in graph order.
  for (const n of nodes) {
    const out = n.output ?? [];
    const floatInputs = (n.input ?? []).filter((i) => isFloat.has(i));
    if (n.opType === 'Constant') {
      if (constantTensor(n)?.dataType === DataType.FLOAT) out.forEach((o) => (isFloat.add(o), constant.add(o)));
    } else if (n.opType === 'ConstantOfShape') {
      const value = attribute(n, 'value')?.t;
      if (!value || value.dataType === DataType.FLOAT) out.forEach((o) => isFloat.add(o));
    } else if (n.opType === 'Cast') {
      if (castTarget(n) === DataType.FLOAT) {
        out.forEach((o) => isFloat.add(o));
        if (floatInputs.length === 0 || floatInputs.every((i) => exact.has(i))) out.forEach((o) => exact.add(o));
      }
    } else if (!NON_FLOAT_OUTPUT.has(n.opType!) && floatInputs.length > 0) {
      out.forEach((o) => isFloat.add(o));
      const variable = floatInputs.filter((i) => !constant.has(i));
      if (FLOAT32_ONLY.has(n.opType!) || (variable.length > 0 && variable.every((i) => exact.has(i)))) out.forEach((o) => exact.add(o));
    }
  }

  const precisionOf = (n: NodeProto): number => ((n.output ?? []).some((o) => exact.has(o)) ? DataType.FLOAT : DataType.FLOAT16);
  // A constant is stored in float32 where an exact computation reads it, else in float16.
  const consumers = new Map<string, NodeProto[]>();
  for (const n of nodes) for (const i of n.input ?? []) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const stored = new Map<string, number>();
  for (const name of isFloat) {
    if (constant.has(name)) {
      const readers = (consumers.get(name) ?? []).filter((n) => !SHAPE_ONLY.has(n.opType!));
      stored.set(name, readers.some((n) => precisionOf(n) === DataType.FLOAT) ? DataType.FLOAT : DataType.FLOAT16);
    } else {
      stored.set(name, exact.has(name) ? DataType.FLOAT : DataType.FLOAT16);
    }
  }

  const casts = new Map<string, NodeProto>();
  const castTo = (name: string, to: number): string => {
    const cast = `${name}/endorm_as_${to === DataType.FLOAT ? 'fp32' : 'fp16'}`;
    if (!casts.has(cast)) casts.set(cast, node('Cast', [name], [cast], [intAttr('to', to)], `${cast}/Cast`));
    return cast;
  };
  const rewritten: NodeProto[] = [];
  for (const n of nodes) {
    const precision = precisionOf(n);
    let copy: NodeProto = { ...n };
    if (n.opType === 'Constant' && stored.get(n.output![0]) === DataType.FLOAT16) {
      copy = { ...n, attribute: n.attribute!.map((a) => (a.name === 'value' && a.t ? { ...a, t: toFloat16(a.t) } : a)) };
    } else if (n.opType === 'ConstantOfShape' && isFloat.has(n.output![0]) && precision === DataType.FLOAT16) {
      const value = attribute(n, 'value')?.t ?? { dims: [1], dataType: DataType.FLOAT, floatData: [0] };
      copy = { ...n, attribute: [...(n.attribute ?? []).filter((a) => a.name !== 'value'), { name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: toFloat16(value) }] };
    } else if (n.opType === 'Cast' && castTarget(n) === DataType.FLOAT && precision === DataType.FLOAT16) {
      copy = { ...n, attribute: n.attribute!.map((a) => (a.name === 'to' ? { ...a, i: DataType.FLOAT16 } : a)) };
    }
    if (!SHAPE_ONLY.has(n.opType!)) {
      copy.input = (n.input ?? []).map((i) => (isFloat.has(i) && stored.get(i) !== precision ? castTo(i, precision) : i));
    }
    for (const i of copy.input ?? []) if (casts.has(i) && !rewritten.includes(casts.get(i)!)) rewritten.push(casts.get(i)!);
    rewritten.push(copy);
  }

  // Graph outputs in float16 (as fp16 exports have them): a float32 one gets a Cast.
  const outputs = (graph.output ?? []).map((o) => {
    if (o.type?.tensorType?.elemType !== DataType.FLOAT) return o;
    if (stored.get(o.name!) === DataType.FLOAT) {
      const inner = `${o.name}/endorm_fp32`;
      rewritten.forEach((n) => (n.output = (n.output ?? []).map((x) => (x === o.name ? inner : x))));
      rewritten.forEach((n) => (n.input = (n.input ?? []).map((x) => (x === o.name ? inner : x))));
      rewritten.push(node('Cast', [inner], [o.name!], [intAttr('to', DataType.FLOAT16)], `${o.name}/endorm_as_fp16/Cast`));
    }
    return { ...o, type: { ...o.type, tensorType: { ...o.type.tensorType, elemType: DataType.FLOAT16 } } };
  });
  const inputs = (graph.input ?? []).map((i) =>
    i.type?.tensorType?.elemType === DataType.FLOAT ? { ...i, type: { ...i.type, tensorType: { ...i.type.tensorType, elemType: DataType.FLOAT16 } } } : i,
  );
  const newGraph: GraphProto = {
    ...graph,
    node: rewritten,
    input: inputs,
    output: outputs,
    initializer: (graph.initializer ?? []).map((t) => (stored.get(t.name!) === DataType.FLOAT16 ? toFloat16(t) : t)),
    // Recorded element types no longer hold; onnxruntime infers them.
    valueInfo: [],
  };
  return { ...model, graph: newGraph };
}

function attribute(n: NodeProto, name: string) {
  return (n.attribute ?? []).find((a) => a.name === name);
}

/** A Cast's `to` (protobufjs decodes int64 attributes as Long objects). */
function castTarget(n: NodeProto): number {
  return Number(attribute(n, 'to')?.i ?? 0);
}

function constantTensor(n: NodeProto): Tensor | undefined {
  return attribute(n, 'value')?.t ?? undefined;
}

/** A float32 tensor's float16 copy (values clamped to ±65504), its bytes in rawData. */
function toFloat16(t: Tensor): Tensor {
  if (t.dataType !== DataType.FLOAT) return t;
  const values = t.rawData?.length
    ? new Float32Array(t.rawData.buffer.slice(t.rawData.byteOffset, t.rawData.byteOffset + t.rawData.byteLength))
    : Float32Array.from(t.floatData ?? []);
  const halves = float16Bits(values);
  return { ...t, dataType: DataType.FLOAT16, rawData: new Uint8Array(halves.buffer), floatData: [] };
}

/**
 * IEEE 754 binary16 bits of each value, rounded to nearest even, with magnitudes beyond float16's largest finite value
 * clamped to ±65504 (as onnxruntime's float16 converter does), NaN kept. By hand, on the bits: a library's per-value
 * conversion took 2 µs a value, 11 minutes for a 330M-parameter model; the tests check these bits against it.
 */
export function float16Bits(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i];
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    let mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = mantissa ? sign | 0x7e00 : sign | FLOAT16_MAX_BITS;
      continue;
    }
    const e = exponent - 112; // float16's biased exponent
    let half: number;
    let rest: number;
    let halfway: number;
    if (e >= 31) {
      out[i] = sign | FLOAT16_MAX_BITS;
      continue;
    } else if (e <= 0) {
      if (e < -10) {
        out[i] = sign; // below half the smallest subnormal: ±0
        continue;
      }
      mantissa |= 0x800000;
      const shift = 14 - e;
      half = mantissa >>> shift;
      rest = mantissa & ((1 << shift) - 1);
      halfway = 1 << (shift - 1);
    } else {
      half = (e << 10) | (mantissa >>> 13);
      rest = mantissa & 0x1fff;
      halfway = 0x1000;
    }
    if (rest > halfway || (rest === halfway && half & 1)) half++; // a carry moves to the next binade, as it should
    out[i] = sign | Math.min(half, FLOAT16_MAX_BITS);
  }
  return out;
}
