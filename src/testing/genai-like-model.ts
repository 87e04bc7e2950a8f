import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AttributeProto, ModelProto, NodeProto } from '../onnx/onnx-proto.js';
import { DataType, intAttr, onnx, tensorInfo } from '../onnx/onnx-proto.js';
import { mulberry32 } from '../util/prng.js';
import { TINY_LLAMA3 } from './shared-models.js';

/*
 * A TypeScript port of ../shared/tools/onnx-variants/genai_like.py (CI has no Python with onnx): a decoder in the layout
 * of onnxruntime-genai's model builder. GroupQueryAttention (com.microsoft) on a packed QKV MatMul with the rotary
 * embedding inside the op (no position_ids), seqlens_k = ReduceSum(attention_mask) − 1 and total_sequence_length =
 * shape(attention_mask)[1] as int32, (Skip)SimplifiedLayerNormalization, SiLU as x·Sigmoid(x). Weights are random
 * (seeded) on tiny-llama3's shapes and tokenizer: GroupQueryAttention needs a head size that is a multiple of 16, and
 * tiny-llama3's is 16 (stories260K's is 8).
 */

export interface GenaiLikeOptions {
  /** Every MatMul, the lm_head included, as MatMulNBits (4 bits, block 32, symmetric), as the builder's CPU int4. */
  int4?: boolean;
  /** MatMulNBits accuracy_level (the builder writes 4: int8 activations). */
  accuracyLevel?: number;
  /**
   * The embedding reads the lm_head's weight: with `int4`, GatherBlockQuantized on the lm_head's 4-bit weight (the
   * builder's tied quantised embeddings); without, Gather on Transpose(lm_head weight).
   */
  tiedEmbeddings?: boolean;
  /** Past and present caches' last dimension is the symbol `kv_cache_dim` instead of the head size. */
  kvCacheDimSymbolic?: boolean;
  seed?: number;
}

interface Shape {
  vocab: number;
  hidden: number;
  inter: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  eps: number;
  theta: number;
  maxPositions: number;
}

const BLOCK = 32;

/** Writes a model folder (tiny-llama3's config and tokenizer) with `onnx/model.onnx`, or `onnx/model_q4.onnx` with `int4`. */
export function writeGenaiLikeModel(options: GenaiLikeOptions = {}): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-genai-like-'));
  for (const f of fs.readdirSync(TINY_LLAMA3)) {
    if (f.endsWith('.json')) fs.copyFileSync(path.join(TINY_LLAMA3, f), path.join(dir, f));
  }
  const c = JSON.parse(fs.readFileSync(path.join(TINY_LLAMA3, 'config.json'), 'utf8'));
  const shape: Shape = {
    vocab: c.vocab_size,
    hidden: c.hidden_size,
    inter: c.intermediate_size,
    layers: c.num_hidden_layers,
    heads: c.num_attention_heads,
    kvHeads: c.num_key_value_heads,
    headDim: c.head_dim,
    eps: c.rms_norm_eps,
    theta: c.rope_theta,
    maxPositions: c.max_position_embeddings,
  };
  fs.mkdirSync(path.join(dir, 'onnx'));
  const file = path.join(dir, 'onnx', options.int4 ? 'model_q4.onnx' : 'model.onnx');
  fs.writeFileSync(file, onnx.ModelProto.encode(buildGenaiLike(shape, options)).finish());
  return { dir, file };
}

function floatAttr(name: string, value: number): AttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value };
}

function buildGenaiLike(s: Shape, o: GenaiLikeOptions): ModelProto {
  const rand = mulberry32(o.seed ?? 7);
  const nodes: NodeProto[] = [];
  const inits: NonNullable<NonNullable<ModelProto['graph']>['initializer']> = [];
  const floats = (name: string, values: Float32Array, dims: number[]) => {
    inits.push({ name, dataType: DataType.FLOAT, dims, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    return name;
  };
  const int64s = (name: string, values: number[], dims: number[]) => {
    inits.push({ name, dataType: DataType.INT64, dims, int64Data: values });
    return name;
  };
  const add = (opType: string, input: string[], output: string[], name: string, attribute: AttributeProto[] = [], domain?: string) => {
    nodes.push({ opType, input, output, name, attribute, ...(domain ? { domain } : {}) });
  };
  /** uniform(−1, 1)·√(3/fanIn): unit-variance outputs, so random logits spread like a trained model's (a few units). */
  const weight = (rows: number, cols: number, fanIn: number) => {
    const scale = Math.sqrt(3 / fanIn);
    return Float32Array.from({ length: rows * cols }, () => (rand() * 2 - 1) * scale);
  };
  const norm = (n: number) => Float32Array.from({ length: n }, () => 1 + (rand() * 2 - 1) * 0.1);

  /** x · W for W `[K, N]` (row-major): MatMul, or MatMulNBits on W's 4-bit blocks. */
  const matmul = (name: string, x: string, w: Float32Array, K: number, N: number, out = `${name}/output_0`, quantised?: Quantised) => {
    if (o.int4) {
      const q = quantised ?? quantise(name, w, K, N);
      add('MatMulNBits', [x, q.packed, q.scales], [out], name, [intAttr('K', K), intAttr('N', N), intAttr('bits', 4), intAttr('block_size', BLOCK), intAttr('accuracy_level', o.accuracyLevel ?? 4)], 'com.microsoft');
    } else {
      add('MatMul', [x, floats(`${name}.weight`, w, [K, N])], [out], name);
    }
    return out;
  };
  interface Quantised {
    packed: string;
    scales: string;
  }
  const quantise = (name: string, w: Float32Array, K: number, N: number): Quantised => {
    const { packed, scales, blocks } = q4Blocks(w, K, N);
    inits.push({ name: `${name}.weight_Q4G${BLOCK}`, dataType: UINT8, dims: [N, blocks, BLOCK / 2], rawData: packed });
    return { packed: `${name}.weight_Q4G${BLOCK}`, scales: floats(`${name}.weight_scale`, scales, [N, blocks]) };
  };

  int64s('/model/constants/INT64/[1]', [1], [1]);
  int64s('/model/constants/INT64/1', [1], []);
  const b = '/model/attn_mask_reformat/attn_mask_subgraph';
  add('ReduceSum', ['attention_mask', '/model/constants/INT64/[1]'], [`${b}/ReduceSum/output_0`], `${b}/ReduceSum`, [intAttr('keepdims', 0)]);
  add('Sub', [`${b}/ReduceSum/output_0`, '/model/constants/INT64/[1]'], [`${b}/Sub/output_0`], `${b}/Sub`);
  add('Cast', [`${b}/Sub/output_0`], [`${b}/Sub/Cast/output_0`], `${b}/Sub/Cast`, [intAttr('to', INT32)]);
  add('Shape', ['attention_mask'], [`${b}/Shape/output_0`], `${b}/Shape`);
  add('Gather', [`${b}/Shape/output_0`, '/model/constants/INT64/1'], [`${b}/Gather/output_0`], `${b}/Gather`, [intAttr('axis', 0)]);
  add('Cast', [`${b}/Gather/output_0`], [`${b}/Gather/Cast/output_0`], `${b}/Gather/Cast`, [intAttr('to', INT32)]);
  const seqlens = `${b}/Sub/Cast/output_0`;
  const total = `${b}/Gather/Cast/output_0`;

  const half = s.headDim / 2;
  const cos = new Float32Array(s.maxPositions * half);
  const sin = new Float32Array(s.maxPositions * half);
  for (let p = 0; p < s.maxPositions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p / s.theta ** ((2 * i) / s.headDim);
      cos[p * half + i] = Math.cos(angle);
      sin[p * half + i] = Math.sin(angle);
    }
  }
  floats('cos_cache', cos, [s.maxPositions, half]);
  floats('sin_cache', sin, [s.maxPositions, half]);

  // The lm_head first when the embedding shares its weight (the builder quantises the lm_head, then reuses it).
  const lmHead = weight(s.hidden, s.vocab, s.hidden); // [K = hidden, N = vocab]
  const embedOut = '/model/embed_tokens/Gather/output_0';
  let headQuantised: Quantised | undefined;
  if (o.tiedEmbeddings && o.int4) {
    headQuantised = quantise('lm_head.MatMul', lmHead, s.hidden, s.vocab);
    const flat = (s.hidden * 4) / 8;
    int64s(`/model/constants/INT64/[${s.vocab}, ${flat}]`, [s.vocab, flat], [2]);
    add('Reshape', [headQuantised.packed, `/model/constants/INT64/[${s.vocab}, ${flat}]`], ['/model/embed_tokens/Reshape/output_0'], '/model/embed_tokens/Reshape');
    add(
      'GatherBlockQuantized',
      ['/model/embed_tokens/Reshape/output_0', 'input_ids', headQuantised.scales],
      [embedOut],
      '/model/embed_tokens/GatherBlockQuantized',
      [intAttr('bits', 4), intAttr('block_size', BLOCK), intAttr('gather_axis', 0), intAttr('quantize_axis', 1)],
      'com.microsoft',
    );
  } else if (o.tiedEmbeddings) {
    floats('lm_head.MatMul.weight', lmHead, [s.hidden, s.vocab]);
    add('Transpose', ['lm_head.MatMul.weight'], ['/model/embed_tokens/Transpose/output_0'], '/model/embed_tokens/Transpose', [{ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 0] }]);
    add('Gather', ['/model/embed_tokens/Transpose/output_0', 'input_ids'], [embedOut], '/model/embed_tokens/Gather');
  } else {
    const embed = Float32Array.from({ length: s.vocab * s.hidden }, () => rand() * 2 - 1);
    add('Gather', [floats('model.embed_tokens.weight', embed, [s.vocab, s.hidden]), 'input_ids'], [embedOut], '/model/embed_tokens/Gather');
  }

  const qkvWidth = (s.heads + 2 * s.kvHeads) * s.headDim;
  let x = embedOut;
  let residual: string | undefined;
  for (let i = 0; i < s.layers; i++) {
    const p = `/model/layers.${i}`;
    const ln1 = floats(`model.layers.${i}.input_layernorm.weight`, norm(s.hidden), [s.hidden]);
    if (residual === undefined) {
      add('SimplifiedLayerNormalization', [x, ln1], [`${p}/input_layernorm/output_0`], `${p}/input_layernorm/LayerNorm`, [floatAttr('epsilon', s.eps), intAttr('axis', -1), intAttr('stash_type', 1)]);
      residual = x;
    } else {
      add('SkipSimplifiedLayerNormalization', [x, residual, ln1], [`${p}/input_layernorm/output_0`, '', '', `${p}/input_layernorm/output_3`], `${p}/input_layernorm/SkipLayerNorm`, [floatAttr('epsilon', s.eps)], 'com.microsoft');
      residual = `${p}/input_layernorm/output_3`;
    }
    const qkv = matmul(`${p}/attn/qkv_proj/MatMul`, `${p}/input_layernorm/output_0`, weight(s.hidden, qkvWidth, s.hidden), s.hidden, qkvWidth);
    const attn = `${p}/attn/GroupQueryAttention/output_0`;
    add(
      'GroupQueryAttention',
      [qkv, '', '', `past_key_values.${i}.key`, `past_key_values.${i}.value`, seqlens, total, 'cos_cache', 'sin_cache'],
      [attn, `present.${i}.key`, `present.${i}.value`],
      `${p}/attn/GroupQueryAttention`,
      [intAttr('num_heads', s.heads), intAttr('kv_num_heads', s.kvHeads), floatAttr('scale', 1 / Math.sqrt(s.headDim)), intAttr('local_window_size', -1), floatAttr('softcap', 0), intAttr('do_rotary', 1), intAttr('rotary_interleaved', 0)],
      'com.microsoft',
    );
    const attnOut = matmul(`${p}/attn/o_proj/MatMul`, attn, weight(s.heads * s.headDim, s.hidden, s.heads * s.headDim), s.heads * s.headDim, s.hidden);
    const ln2 = floats(`model.layers.${i}.post_attention_layernorm.weight`, norm(s.hidden), [s.hidden]);
    add('SkipSimplifiedLayerNormalization', [attnOut, residual, ln2], [`${p}/post_attention_layernorm/output_0`, '', '', `${p}/post_attention_layernorm/output_3`], `${p}/post_attention_layernorm/SkipLayerNorm`, [floatAttr('epsilon', s.eps)], 'com.microsoft');
    residual = `${p}/post_attention_layernorm/output_3`;
    const h2 = `${p}/post_attention_layernorm/output_0`;
    const gate = matmul(`${p}/mlp/gate_proj/MatMul`, h2, weight(s.hidden, s.inter, s.hidden), s.hidden, s.inter);
    const up = matmul(`${p}/mlp/up_proj/MatMul`, h2, weight(s.hidden, s.inter, s.hidden), s.hidden, s.inter);
    add('Sigmoid', [gate], [`${p}/mlp/act_fn/Sigmoid/output_0`], `${p}/mlp/act_fn/Sigmoid`);
    add('Mul', [gate, `${p}/mlp/act_fn/Sigmoid/output_0`], [`${p}/mlp/act_fn/Mul/output_0`], `${p}/mlp/act_fn/Mul`);
    add('Mul', [`${p}/mlp/act_fn/Mul/output_0`, up], [`${p}/mlp/Mul/output_0`], `${p}/mlp/Mul`);
    x = matmul(`${p}/mlp/down_proj/MatMul`, `${p}/mlp/Mul/output_0`, weight(s.inter, s.hidden, s.inter), s.inter, s.hidden);
  }
  const finalNorm = floats('model.norm.weight', norm(s.hidden), [s.hidden]);
  add('SkipSimplifiedLayerNormalization', [x, residual!, finalNorm], ['/model/norm/output_0', '', '', '/model/norm/output_3'], '/model/norm/SkipLayerNorm', [floatAttr('epsilon', s.eps)], 'com.microsoft');
  if (o.tiedEmbeddings && !o.int4) add('MatMul', ['/model/norm/output_0', 'lm_head.MatMul.weight'], ['logits'], '/lm_head/MatMul');
  else matmul('/lm_head/MatMul', '/model/norm/output_0', lmHead, s.hidden, s.vocab, 'logits', headQuantised);

  const last = o.kvCacheDimSymbolic ? 'kv_cache_dim' : s.headDim;
  const input = [tensorInfo('input_ids', DataType.INT64, ['batch_size', 'sequence_length']), tensorInfo('attention_mask', DataType.INT64, ['batch_size', 'total_sequence_length'])];
  const output = [tensorInfo('logits', DataType.FLOAT, ['batch_size', 'sequence_length', s.vocab])];
  for (let i = 0; i < s.layers; i++) {
    for (const t of ['key', 'value']) {
      input.push(tensorInfo(`past_key_values.${i}.${t}`, DataType.FLOAT, ['batch_size', s.kvHeads, 'past_sequence_length', last]));
      output.push(tensorInfo(`present.${i}.${t}`, DataType.FLOAT, ['batch_size', s.kvHeads, 'total_sequence_length', last]));
    }
  }
  return {
    irVersion: 8,
    producerName: 'onnxruntime-genai-like',
    opsetImport: [{ domain: '', version: 14 }, { domain: 'com.microsoft', version: 1 }],
    graph: { name: 'main_graph', node: nodes, input, output, initializer: inits },
  };
}

const UINT8 = 2;
const INT32 = 6;

/**
 * onnxruntime's 4-bit block quantisation (quantize_matmul_4bits, symmetric), as transform.py's q4_blocks: W `[K, N]`
 * in blocks of 32 along K per column; scale = the block's value of largest magnitude / −8, q = round(w / scale) + 8
 * clamped to [0, 15] (round half to even, as numpy); the even element in the low nibble.
 */
export function q4Blocks(w: Float32Array, K: number, N: number): { packed: Uint8Array; scales: Float32Array; blocks: number } {
  const blocks = Math.ceil(K / BLOCK);
  const packed = new Uint8Array(N * blocks * (BLOCK / 2));
  const scales = new Float32Array(N * blocks);
  const q = new Uint8Array(BLOCK);
  for (let n = 0; n < N; n++) {
    for (let kb = 0; kb < blocks; kb++) {
      let max = 0;
      let min = 0;
      for (let j = 0; j < BLOCK; j++) {
        const k = kb * BLOCK + j;
        const v = k < K ? w[k * N + n] : 0;
        if (v > max) max = v;
        if (v < min) min = v;
      }
      const absmax = Math.abs(max) > Math.abs(min) ? max : min;
      const scale = Math.fround(absmax / -8);
      const inv = scale === 0 ? 0 : Math.fround(1 / scale);
      for (let j = 0; j < BLOCK; j++) {
        const k = kb * BLOCK + j;
        const v = k < K ? w[k * N + n] : 0;
        q[j] = Math.max(0, Math.min(15, roundHalfEven(Math.fround(v * inv)) + 8));
      }
      scales[n * blocks + kb] = scale;
      const at = (n * blocks + kb) * (BLOCK / 2);
      for (let j = 0; j < BLOCK / 2; j++) packed[at + j] = q[2 * j] | (q[2 * j + 1] << 4);
    }
  }
  return { packed, scales, blocks };
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
