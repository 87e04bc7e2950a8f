import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getFloat16, setFloat16 } from '@petamoriken/float16';
import { elementTypes } from '../onnx/element-types.js';
import { moveInitializersToFile } from '../onnx/external-data.js';
import { onnx } from '../onnx/onnx-proto.js';
import type { OnnxTypes } from '../onnx/onnx-proto.js';

/**
 * TypeScript ports of ../shared/tools/onnx-variants/transform.py: the ONNX layouts users download from the Hub
 * (onnx-community / transformers.js), made from one optimum-layout fp32 decoder so that tests build them offline in
 * milliseconds (CI has no Python with onnx). The quantisers follow onnxruntime's rules (names, packing, symmetric or
 * asymmetric ranges) as the Python stand-ins do: faithful layouts, not byte-identical files.
 */

type Model = OnnxTypes.ModelProto;
type Graph = OnnxTypes.IGraphProto;
type Node = OnnxTypes.INodeProto;
type Tensor = OnnxTypes.ITensorProto;

const T = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, FLOAT16: 10 } as const;
const ATTR = onnx.AttributeProto.AttributeType;

export const VARIANTS = [
  'fp32-ext', 'q8', 'int8', 'uint8', 'q4', 'q4-asym', 'q4-gather', 'q4f16', 'fp16', 'fp16-io', 'bnb4',
  'tied', 'tied-q8', 'tied-q4', 'tied-fp16', 'tied-q4f16',
] as const;
export type Variant = (typeof VARIANTS)[number];

/** The `--dtype` that loads each variant, and so its file name (transformers.js's naming). */
export const VARIANT_DTYPE: Record<Variant, string> = {
  'fp32-ext': 'fp32', q8: 'q8', int8: 'int8', uint8: 'uint8', q4: 'q4', 'q4-asym': 'q4', 'q4-gather': 'q4', q4f16: 'q4f16',
  fp16: 'fp16', 'fp16-io': 'fp16', bnb4: 'bnb4', tied: 'fp32', 'tied-q8': 'q8', 'tied-q4': 'q4', 'tied-fp16': 'fp16', 'tied-q4f16': 'q4f16',
};

const FILE_SUFFIX: Record<string, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4' };

/** Applies `variant` to a decoded fp32 model (in place). */
export function transformModel(model: Model, variant: Variant): void {
  switch (variant) {
    case 'fp32-ext':
      return; // written with external data
    case 'q8':
    case 'int8':
      return quantizeDynamic(model, true);
    case 'uint8':
      return quantizeDynamic(model, false);
    case 'q4':
      return quantizeNBits(model, { symmetric: true });
    case 'q4-asym':
      return quantizeNBits(model, { symmetric: false });
    case 'q4-gather':
      return quantizeNBits(model, { symmetric: true, gather: true });
    case 'q4f16':
      quantizeNBits(model, { symmetric: true });
      return convertFloat16(model, true);
    case 'fp16':
      return convertFloat16(model, true);
    case 'fp16-io':
      return convertFloat16(model, false);
    case 'bnb4':
      return quantizeBnb4(model);
    case 'tied':
      return tieThroughTranspose(model);
    case 'tied-q8':
      tieThroughTranspose(model);
      return quantizeDynamic(model, true);
    case 'tied-q4':
      tieThroughTranspose(model);
      return quantizeNBits(model, { symmetric: true });
    case 'tied-fp16':
      tieThroughTranspose(model);
      return convertFloat16(model, true);
    case 'tied-q4f16':
      tieThroughTranspose(model);
      quantizeNBits(model, { symmetric: true });
      return convertFloat16(model, true);
  }
}

/**
 * A model folder in a temp directory: the json files of `sourceDir` and `onnx/<file for the variant's dtype>`,
 * transformed from `sourceDir/onnx/model.onnx`. Returns the folder and the `--dtype` that loads it.
 */
export async function writeQuantisedVariant(sourceDir: string, variant: Variant): Promise<{ dir: string; dtype: string; file: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `endorm-${variant}-`));
  for (const f of fs.readdirSync(sourceDir)) if (f.endsWith('.json')) fs.copyFileSync(path.join(sourceDir, f), path.join(dir, f));
  fs.mkdirSync(path.join(dir, 'onnx'));
  const model = onnx.ModelProto.decode(fs.readFileSync(path.join(sourceDir, 'onnx', 'model.onnx')));
  transformModel(model, variant);
  const dtype = VARIANT_DTYPE[variant];
  const name = `model${FILE_SUFFIX[dtype]}.onnx`;
  if (variant === 'fp32-ext') await moveInitializersToFile(model, path.join(dir, 'onnx'), `${name}_data`);
  const file = path.join(dir, 'onnx', name);
  fs.writeFileSync(file, onnx.ModelProto.encode(model).finish());
  return { dir, dtype, file };
}

// ----------------------------------------------------------------------------- tensors

function floats(t: Tensor): Float32Array {
  if (t.dataType === T.FLOAT16) {
    const raw = t.rawData!;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Float32Array.from({ length: raw.byteLength / 2 }, (_, i) => getFloat16(view, 2 * i, true));
  }
  if (t.dataType !== T.FLOAT) throw new Error(`tensor ${t.name} is not float`);
  // a copy: decoded rawData may be a view into the whole file (a Buffer), at any offset
  if (t.rawData && t.rawData.length) return new Float32Array(Uint8Array.from(t.rawData).buffer);
  return Float32Array.from(t.floatData ?? []);
}

function tensor(name: string, dataType: number, dims: number[], bytes: Uint8Array | Int8Array | Float32Array | Int32Array): Tensor {
  return { name, dataType, dims, rawData: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice() };
}

function float16Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => setFloat16(view, 2 * i, v, true));
  return out;
}

const dimsOf = (t: Tensor) => (t.dims ?? []).map(Number);

/** Round half to even, as numpy's round and onnxruntime's quantisers round. */
function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

// ----------------------------------------------------------------------------- graph helpers

function initializers(g: Graph): Map<string, Tensor> {
  return new Map((g.initializer ?? []).map((t) => [t.name ?? '', t]));
}

function makeNode(opType: string, input: string[], output: string[], name: string, attrs: Record<string, number> = {}, domain?: string): Node {
  const attribute = Object.entries(attrs).map(([k, v]) => ({ name: k, type: ATTR.INT, i: v }));
  return { opType, input, output, name, attribute, ...(domain ? { domain } : {}) };
}

function replaceNode(g: Graph, old: Node, replacement: Node[]): void {
  const at = g.node!.indexOf(old);
  g.node!.splice(at, 1, ...replacement);
}

function removeUnusedInitializers(g: Graph): void {
  const used = new Set<string>();
  const visit = (graph: Graph) => {
    for (const n of graph.node ?? []) {
      for (const i of n.input ?? []) used.add(i);
      for (const a of n.attribute ?? []) if (a.g) visit(a.g);
    }
  };
  visit(g);
  for (const o of g.output ?? []) used.add(o.name ?? '');
  g.initializer = (g.initializer ?? []).filter((t) => used.has(t.name ?? ''));
}

function addOpset(model: Model, domain: string, version: number): void {
  model.opsetImport ??= [];
  if (!model.opsetImport.some((o) => o.domain === domain)) model.opsetImport.push({ domain, version });
}

/** MatMul nodes whose B is a 2-D float initializer (onnxruntime's MatMulConstBOnly). */
function constMatMuls(g: Graph): Node[] {
  const it = initializers(g);
  return (g.node ?? []).filter((n) => {
    const b = it.get(n.input?.[1] ?? '');
    return n.opType === 'MatMul' && b && dimsOf(b).length === 2 && b.dataType === T.FLOAT;
  });
}

// ----------------------------------------------------------------------------- dynamic int8 (quantize_dynamic)

function quantizeWeight8(w: Float32Array, signed: boolean): { q: Int8Array | Uint8Array; scale: number; zp: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const x of w) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (signed) {
    // QInt8, symmetric: [-127, 127], zero point 0
    const absmax = Math.max(Math.abs(min), Math.abs(max), 0);
    const scale = absmax > 0 ? Math.fround((absmax * 2) / 254) : 1;
    return { q: Int8Array.from(w, (x) => clamp(roundEven(Math.fround(x / scale)), -127, 127)), scale, zp: 0 };
  }
  const rmin = Math.min(min, 0);
  const rmax = Math.max(max, 0);
  const scale = rmax > rmin ? Math.fround((rmax - rmin) / 255) : 1;
  const zp = clamp(roundEven(-rmin / scale), 0, 255);
  return { q: Uint8Array.from(w, (x) => clamp(roundEven(Math.fround(x / scale)) + zp, 0, 255)), scale, zp };
}

/**
 * onnxruntime's quantize_dynamic (IntegerOps): every MatMul with a constant weight becomes DynamicQuantizeLinear (one
 * per activation, shared) + MatMulInteger + Cast + Mul by the product of scales; a Gather or Transpose of a float weight
 * runs on its 8-bit copy, then DequantizeLinear (a tied lm_head's MatMul on that Transpose stays float).
 */
export function quantizeDynamic(model: Model, signed: boolean): void {
  const g = model.graph!;
  const it = initializers(g);
  const quantisedInputs = new Map<string, [string, string, string]>();
  const quantisedWeights = new Map<string, [string, string, string]>();
  const weight = (name: string): [string, string, string] => {
    let names = quantisedWeights.get(name);
    if (!names) {
      const t = it.get(name)!;
      const { q, scale, zp } = quantizeWeight8(floats(t), signed);
      names = [`${name}_quantized`, `${name}_scale`, `${name}_zero_point`];
      g.initializer!.push(
        tensor(names[0], signed ? T.INT8 : T.UINT8, dimsOf(t), q),
        tensor(names[1], T.FLOAT, [], Float32Array.of(scale)),
        tensor(names[2], signed ? T.INT8 : T.UINT8, [], signed ? Int8Array.of(zp) : Uint8Array.of(zp)),
      );
      quantisedWeights.set(name, names);
    }
    return names;
  };
  for (const n of constMatMuls(g)) {
    const [a, b] = n.input as string[];
    const replacement: Node[] = [];
    if (!quantisedInputs.has(a)) {
      quantisedInputs.set(a, [`${a}_quantized`, `${a}_scale`, `${a}_zero_point`]);
      replacement.push(makeNode('DynamicQuantizeLinear', [a], quantisedInputs.get(a)!, `${a}_QuantizeLinear`));
    }
    const [aq, ascale, azp] = quantisedInputs.get(a)!;
    const [bq, bscale, bzp] = weight(b);
    const out = n.output![0]!;
    const name = `${n.name}_quant`;
    const acc = `${out}_output_quantized`;
    replacement.push(
      makeNode('MatMulInteger', [aq, bq, azp, bzp], [acc], name),
      makeNode('Cast', [acc], [`${acc}_cast_output`], `${acc}_cast`, { to: T.FLOAT }),
      makeNode('Mul', [ascale, bscale], [`${name}_scales_mul:0`], `${name}_scales_mul`),
      makeNode('Mul', [`${acc}_cast_output`, `${name}_scales_mul:0`], [out], `${name}_output_scale_mul`),
    );
    replaceNode(g, n, replacement);
  }
  for (const n of [...g.node!]) {
    const data = it.get(n.input?.[0] ?? '');
    if (!data || data.dataType !== T.FLOAT || (n.opType !== 'Transpose' && n.opType !== 'Gather')) continue;
    const [bq, bscale, bzp] = weight(n.input![0]!);
    const out = n.output![0]!;
    replaceNode(g, n, [
      { ...n, input: [bq, ...(n.input ?? []).slice(1)], output: [`${out}_quantized`], name: `${n.name}_quant` },
      makeNode('DequantizeLinear', [`${out}_quantized`, bscale, bzp], [out], `${out}_DequantizeLinear`),
    ]);
  }
  removeUnusedInitializers(g);
}

// ----------------------------------------------------------------------------- 4-bit MatMulNBits

/**
 * w `[K, N]` → packed `[N, kBlocks, block/2]` (low nibble = even element), scales `[N, kBlocks]`, packed zero points
 * `[N, ceil(kBlocks/2)]` (asymmetric only), as onnxruntime's quantize_matmul_4bits writes them.
 */
function q4Blocks(w: Float32Array, K: number, N: number, block: number, symmetric: boolean): { packed: Uint8Array; scales: Float32Array; zp?: Uint8Array; kBlocks: number } {
  const kBlocks = Math.ceil(K / block);
  const packed = new Uint8Array(N * kBlocks * (block / 2));
  const scales = new Float32Array(N * kBlocks);
  const zpBytes = Math.ceil(kBlocks / 2);
  const zp = symmetric ? undefined : new Uint8Array(N * zpBytes);
  const values = new Float32Array(block);
  const q = new Uint8Array(block);
  for (let n = 0; n < N; n++) {
    for (let kb = 0; kb < kBlocks; kb++) {
      for (let i = 0; i < block; i++) {
        const k = kb * block + i;
        values[i] = k < K ? w[k * N + n] : 0;
      }
      let mx = -Infinity;
      let mn = Infinity;
      for (const v of values) {
        if (v > mx) mx = v;
        if (v < mn) mn = v;
      }
      let scale: number;
      if (symmetric) {
        const absmax = Math.abs(mx) > Math.abs(mn) ? mx : mn;
        scale = Math.fround(absmax / -8);
        const inv = scale === 0 ? 0 : Math.fround(1 / scale);
        for (let i = 0; i < block; i++) q[i] = clamp(roundEven(Math.fround(values[i] * inv)) + 8, 0, 15);
      } else {
        const vmin = Math.min(mn, 0);
        const vmax = Math.max(mx, 0);
        scale = Math.fround(Math.fround(vmax - vmin) / 15);
        const safe = scale === 0 ? 1 : scale;
        const z = scale === 0 ? 8 : clamp(roundEven(Math.fround(-vmin / safe)), 0, 15);
        for (let i = 0; i < block; i++) q[i] = scale === 0 ? 8 : clamp(roundEven(Math.fround(Math.fround(values[i] / safe) + z)), 0, 15);
        zp![n * zpBytes + (kb >> 1)] |= kb % 2 === 0 ? z : z << 4;
      }
      scales[n * kBlocks + kb] = scale;
      const base = (n * kBlocks + kb) * (block / 2);
      for (let i = 0; i < block / 2; i++) packed[base + i] = q[2 * i] | (q[2 * i + 1] << 4);
    }
  }
  return { packed, scales, zp, kBlocks };
}

/**
 * MatMulNBits (bits 4, block 32) for every MatMul with a constant 2-D weight, the lm_head included; with `gather`, the
 * embedding Gather becomes GatherBlockQuantized (quantised along the hidden axis).
 */
export function quantizeNBits(model: Model, o: { symmetric: boolean; gather?: boolean; block?: number }): void {
  const g = model.graph!;
  const it = initializers(g);
  const block = o.block ?? 32;
  addOpset(model, 'com.microsoft', 1);
  for (const n of constMatMuls(g)) {
    const b = n.input![1]!;
    const [K, N] = dimsOf(it.get(b)!);
    const { packed, scales, zp, kBlocks } = q4Blocks(floats(it.get(b)!), K, N, block, o.symmetric);
    const inputs = [n.input![0]!, `${b}_Q4`, `${b}_scales`];
    g.initializer!.push(tensor(`${b}_Q4`, T.UINT8, [N, kBlocks, block / 2], packed), tensor(`${b}_scales`, T.FLOAT, [N * kBlocks], scales));
    if (zp) {
      g.initializer!.push(tensor(`${b}_zero_points`, T.UINT8, [zp.length], zp));
      inputs.push(`${b}_zero_points`);
    }
    replaceNode(g, n, [makeNode('MatMulNBits', inputs, [n.output![0]!], `${n.name}_Q4`, { K, N, bits: 4, block_size: block }, 'com.microsoft')]);
  }
  if (o.gather) {
    for (const n of [...g.node!]) {
      const data = it.get(n.input?.[0] ?? '');
      if (n.opType !== 'Gather' || !data || data.dataType !== T.FLOAT || dimsOf(data).length !== 2) continue;
      const name = n.input![0]!;
      const [V, H] = dimsOf(data);
      // w.T is [H, V]: blocks along H for each of the V rows
      const w = floats(data);
      const wt = new Float32Array(H * V);
      for (let v = 0; v < V; v++) for (let h = 0; h < H; h++) wt[h * V + v] = w[v * H + h];
      const { packed, scales, zp, kBlocks } = q4Blocks(wt, H, V, block, o.symmetric);
      const rowBytes = kBlocks * (block / 2);
      const keep = Math.ceil(H / 2);
      const rows = new Uint8Array(V * keep);
      for (let v = 0; v < V; v++) rows.set(packed.subarray(v * rowBytes, v * rowBytes + keep), v * keep);
      const inputs = [`${name}_Q4`, n.input![1]!, `${name}_scales`];
      g.initializer!.push(tensor(`${name}_Q4`, T.UINT8, [V, keep], rows), tensor(`${name}_scales`, T.FLOAT, [V, kBlocks], scales));
      if (zp) {
        g.initializer!.push(tensor(`${name}_zero_points`, T.UINT8, [V, Math.ceil(kBlocks / 2)], zp));
        inputs.push(`${name}_zero_points`);
      }
      replaceNode(g, n, [
        makeNode('GatherBlockQuantized', inputs, [n.output![0]!], `${n.name}_Q4`, { gather_axis: 0, quantize_axis: 1, block_size: block, bits: 4 }, 'com.microsoft'),
      ]);
    }
  }
  removeUnusedInitializers(g);
}

// ----------------------------------------------------------------------------- bnb4 (MatMulBnb4, NF4)

const NF4 = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334,
  -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
  0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
].map(Math.fround);

/** MatMulBnb4 (NF4, block 64, the first element of a pair in the high nibble) for every MatMul with a constant weight. */
export function quantizeBnb4(model: Model, block = 64): void {
  const g = model.graph!;
  const it = initializers(g);
  addOpset(model, 'com.microsoft', 1);
  for (const n of constMatMuls(g)) {
    const b = n.input![1]!;
    const [K, N] = dimsOf(it.get(b)!);
    const w = floats(it.get(b)!);
    const blocks = Math.ceil((N * K) / block);
    const flat = new Float32Array(blocks * block); // row n = column n of B
    for (let col = 0; col < N; col++) for (let k = 0; k < K; k++) flat[col * K + k] = w[k * N + col];
    const absmax = new Float32Array(blocks);
    const codes = new Uint8Array(blocks * block);
    for (let bl = 0; bl < blocks; bl++) {
      let m = 0;
      for (let i = 0; i < block; i++) m = Math.max(m, Math.abs(flat[bl * block + i]));
      absmax[bl] = m;
      for (let i = 0; i < block; i++) {
        const normed = Math.fround(flat[bl * block + i] / (m === 0 ? 1 : m));
        let best = 0;
        for (let c = 1; c < 16; c++) if (Math.abs(normed - NF4[c]) < Math.abs(normed - NF4[best])) best = c;
        codes[bl * block + i] = best;
      }
    }
    const packed = new Uint8Array(Math.ceil((N * K) / 2));
    for (let i = 0; i < packed.length; i++) packed[i] = (codes[2 * i] << 4) | codes[2 * i + 1];
    g.initializer!.push(tensor(`${b}_Bnb4`, T.UINT8, [packed.length], packed), tensor(`${b}_absmax`, T.FLOAT, [blocks], absmax));
    replaceNode(g, n, [
      makeNode('MatMulBnb4', [n.input![0]!, `${b}_Bnb4`, `${b}_absmax`], [n.output![0]!], `${n.name}_Bnb4`, { K, N, block_size: block, quant_type: 1 }, 'com.microsoft'),
    ]);
  }
  removeUnusedInitializers(g);
}

// ----------------------------------------------------------------------------- float16 (transformers.js float16.py)

/** Ops float16.py keeps in float32 between Casts. */
const BLOCKED = new Set(['Cast', 'CumSum', 'Min', 'Max', 'TopK', 'Resize', 'Upsample', 'RandomNormalLike']);

function toFloat16Tensor(t: Tensor): void {
  if (t.dataType !== T.FLOAT) return;
  const values = floats(t).map((a) => {
    if (a > 0 && a < 1e-7) return 1e-7;
    if (a < 0 && a > -1e-7) return -1e-7;
    if (a > 1e4 && Number.isFinite(a)) return 1e4;
    if (a < -1e4 && Number.isFinite(a)) return -1e4;
    return a;
  });
  t.dataType = T.FLOAT16;
  t.rawData = float16Bytes(values);
  t.floatData = [];
}

/**
 * Float tensors to float16 everywhere except inside blocked ops (float32 between Casts). `keepIoTypes`: float inputs
 * and outputs stay float32 behind Casts (transformers.js's fp16); otherwise they become float16 too (fp16-io). The
 * value_info is dropped, as float16.py does for models over 2 GB.
 */
export function convertFloat16(model: Model, keepIoTypes: boolean): void {
  const g = model.graph!;
  const types = elementTypes(g);
  for (const t of g.initializer ?? []) toFloat16Tensor(t);
  const ioIn = (g.input ?? []).filter((i) => i.type?.tensorType?.elemType === T.FLOAT).map((i) => i.name!);
  const ioOut = (g.output ?? []).filter((o) => o.type?.tensorType?.elemType === T.FLOAT).map((o) => o.name!);
  const renameIn = new Map<string, string>();
  const renameOut = new Map<string, string>();
  const nodes: Node[] = [];
  if (keepIoTypes) {
    for (const name of ioIn) {
      nodes.push(makeNode('Cast', [name], [`${name}_fp16`], `${name}_fp16`, { to: T.FLOAT16 }));
      renameIn.set(name, `${name}_fp16`);
    }
    for (const name of ioOut) renameOut.set(name, `${name}_fp16`);
  } else {
    for (const v of [...(g.input ?? []), ...(g.output ?? [])]) if (v.type?.tensorType?.elemType === T.FLOAT) v.type.tensorType.elemType = T.FLOAT16;
  }
  let counter = 0;
  for (const n of g.node ?? []) {
    const ins = (n.input ?? []).map((i) => renameIn.get(i) ?? renameOut.get(i) ?? i);
    const outs = (n.output ?? []).map((o) => renameOut.get(o) ?? o);
    if (n.opType === 'Constant' || n.opType === 'ConstantOfShape') {
      for (const a of n.attribute ?? []) if (a.name === 'value' && a.t) toFloat16Tensor(a.t);
    }
    if (BLOCKED.has(n.opType ?? '')) {
      const pre: Node[] = [];
      const post: Node[] = [];
      ins.forEach((i, k) => {
        if (i && types.get(n.input![k]!) === T.FLOAT) {
          const c = `${i}_cast32_${counter++}`;
          pre.push(makeNode('Cast', [i], [c], c, { to: T.FLOAT }));
          ins[k] = c;
        }
      });
      const to = n.opType === 'Cast' ? Number((n.attribute ?? []).find((a) => a.name === 'to')?.i) : undefined;
      outs.forEach((o, k) => {
        const isFloat = n.opType === 'Cast' ? to === T.FLOAT : types.get(n.output![k]!) === T.FLOAT;
        if (isFloat) {
          const c = `${o}_pre_cast16_${counter++}`;
          post.push(makeNode('Cast', [c], [o], `${o}_cast16`, { to: T.FLOAT16 }));
          outs[k] = c;
        }
      });
      nodes.push(...pre, { ...n, input: ins, output: outs }, ...post);
      continue;
    }
    const attribute = (n.attribute ?? []).map((a) => (n.opType === 'Cast' && a.name === 'to' && Number(a.i) === T.FLOAT ? { ...a, i: T.FLOAT16 } : a));
    nodes.push({ ...n, input: ins, output: outs, attribute });
  }
  if (keepIoTypes) for (const name of ioOut) nodes.push(makeNode('Cast', [`${name}_fp16`], [name], `${name}_fp16_input_cast0`, { to: T.FLOAT }));
  g.node = nodes;
  g.valueInfo = [];
}

// ----------------------------------------------------------------------------- tied embeddings

/** optimum's deduplicated tie: lm_head = MatMul(hidden, Transpose(embed_tokens)) on the embedding Gather's matrix. */
export function tieThroughTranspose(model: Model): void {
  const g = model.graph!;
  const it = initializers(g);
  const producer = new Map<string, Node>();
  for (const n of g.node ?? []) for (const o of n.output ?? []) producer.set(o, n);
  let head = producer.get('logits')!;
  while (head.opType !== 'MatMul') head = producer.get(head.input![0]!)!;
  const gather = g.node!.find((n) => n.opType === 'Gather' && dimsOf(it.get(n.input?.[0] ?? '') ?? {}).length === 2)!;
  const transposed = '/lm_head/Transpose_output_0';
  const transpose: Node = { opType: 'Transpose', input: [gather.input![0]!], output: [transposed], name: '/lm_head/Transpose', attribute: [{ name: 'perm', type: ATTR.INTS, ints: [1, 0] }] };
  head.input = [head.input![0]!, transposed];
  g.node!.splice(g.node!.indexOf(head), 0, transpose);
  removeUnusedInitializers(g);
}

export { T as ELEMENT_TYPES };
