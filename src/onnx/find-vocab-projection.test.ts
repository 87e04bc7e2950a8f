import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT } from '../util/exit-codes.js';
import { findVocabProjection, GraphRewriteError } from './find-vocab-projection.js';
import { DataType, node, tensorInfo, type GraphProto } from './onnx-proto.js';

const weight = (name: string, dataType: number = DataType.FLOAT) => ({ name, dataType, dims: [4, 8] });

function graph(nodes: GraphProto['node'], initializers: GraphProto['initializer']): GraphProto {
  return {
    node: [node('Add', ['input_embeds', 'input_embeds'], ['final_norm']), ...(nodes ?? [])],
    initializer: initializers,
    input: [tensorInfo('input_embeds', DataType.FLOAT)],
    output: [tensorInfo('logits', DataType.FLOAT)],
  };
}

test('a plain MatMul head: hidden states are its activation input', () => {
  const g = graph([node('MatMul', ['final_norm', 'W'], ['logits'])], [weight('W')]);
  const p = findVocabProjection(g);
  assert.equal(p.hidden, 'final_norm');
  assert.deepEqual(p.nodes.map((n) => n.opType), ['MatMul']);
  assert.equal(p.hiddenType, DataType.FLOAT);
});

test('tied embeddings through a Transpose of the embedding, and Gemma-style soft-capping after the matmul', () => {
  const g = graph(
    [
      node('Transpose', ['embed'], ['embed_t']),
      node('MatMul', ['final_norm', 'embed_t'], ['raw']),
      node('Div', ['raw', 'cap'], ['scaled']),
      node('Tanh', ['scaled'], ['capped']),
      node('Mul', ['capped', 'cap'], ['logits']),
    ],
    [weight('embed'), { name: 'cap', dataType: DataType.FLOAT, dims: [] }],
  );
  const p = findVocabProjection(g);
  assert.equal(p.hidden, 'final_norm');
  assert.deepEqual(p.nodes.map((n) => n.opType), ['MatMul', 'Div', 'Tanh', 'Mul']);
});

test('a dynamically quantised head (q8): the quantiser moves with the integer matmul', () => {
  const g = graph(
    [
      node('DynamicQuantizeLinear', ['final_norm'], ['xq', 'xs', 'xz']),
      node('MatMulInteger', ['xq', 'Wq', 'xz', 'wz'], ['acc']),
      node('Cast', ['acc'], ['acc_f'], [{ name: 'to', type: 2, i: 1 }]),
      node('Mul', ['xs', 'ws'], ['scale']),
      node('Mul', ['acc_f', 'scale'], ['logits']),
    ],
    [weight('Wq', 3), { name: 'wz', dataType: 3, dims: [] }, { name: 'ws', dataType: DataType.FLOAT, dims: [] }],
  );
  const p = findVocabProjection(g);
  assert.equal(p.hidden, 'final_norm');
  assert.deepEqual(p.nodes.map((n) => n.opType), ['DynamicQuantizeLinear', 'MatMulInteger', 'Cast', 'Mul', 'Mul']);
});

test('fp16 heads: the type of the hidden states is inferred through the graph when no value_info declares it', () => {
  // transformers.js's float16 layout: float32 inputs cast to float16 inside, no value_info (models over 2 GB)
  const fp16 = graph(
    [node('Cast', ['final_norm'], ['h16'], [{ name: 'to', type: 2, i: DataType.FLOAT16 }]), node('MatMul', ['h16', 'W'], ['logits'])],
    [weight('W', DataType.FLOAT16)],
  );
  assert.equal(findVocabProjection(fp16).hiddenType, DataType.FLOAT16);
  // tied through a Transpose: no weight initializer on the matmul to read the type from; the hidden state's own
  // producer (an RMSNorm multiply by a float16 weight) says it
  const tied = graph(
    [
      node('Mul', ['h_norm', 'norm_w'], ['h16']),
      node('Transpose', ['embed'], ['embed_t']),
      node('MatMul', ['h16', 'embed_t'], ['logits']),
    ],
    [{ name: 'norm_w', dataType: DataType.FLOAT16, dims: [8] }, weight('embed', DataType.FLOAT16)],
  );
  tied.input = [...tied.input!, tensorInfo('h_norm', DataType.FLOAT16)];
  assert.equal(findVocabProjection(tied).hiddenType, DataType.FLOAT16);
});

test('every quantised matmul onnxruntime has is recognised as the vocabulary projection (MatMulBnb4, MatMulNBits, ...)', () => {
  for (const op of ['MatMulBnb4', 'MatMulNBits', 'MatMulIntegerToFloat', 'DynamicQuantizeMatMul']) {
    // before the fix, MatMulBnb4 was walked past: the search went on into the last layer and failed there
    const g = graph(
      [node(op, ['final_norm', 'Wq', 'absmax'], ['logits'])],
      [{ name: 'Wq', dataType: 2, dims: [16] }, { name: 'absmax', dataType: DataType.FLOAT, dims: [1] }],
    );
    const p = findVocabProjection(g);
    assert.equal(p.hidden, 'final_norm', op);
    assert.deepEqual(p.nodes.map((n) => n.opType), [op]);
  }
});

test('a projection endorm cannot take per position stops with the model exit code, naming the node and its op', () => {
  const g = graph([node('MatMulBnb4', ['final_norm', 'other'], ['logits'], [], '/lm_head/MatMul_Bnb4')], []);
  g.input = [...g.input!, tensorInfo('other', DataType.FLOAT)];
  assert.throws(
    () => findVocabProjection(g),
    (err: Error) => err instanceof GraphRewriteError && err.exitCode === EXIT.model && /\/lm_head\/MatMul_Bnb4 \(MatMulBnb4\) reads 2 non-constant inputs/.test(err.message),
  );
});

test('a graph whose logits are not produced by a projection is a clear error', () => {
  const g = graph([node('Relu', ['final_norm'], ['logits'])], []);
  assert.throws(() => findVocabProjection(g), /cannot find the vocabulary projection/);
  assert.throws(() => findVocabProjection(graph([], [])), /no node producing "logits"/);
});
