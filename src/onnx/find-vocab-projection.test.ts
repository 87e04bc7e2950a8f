import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findVocabProjection } from './find-vocab-projection.js';
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

test('fp16 heads report their element type from the weight', () => {
  const g = graph([node('MatMul', ['final_norm', 'W'], ['logits'])], [weight('W', DataType.FLOAT16)]);
  assert.equal(findVocabProjection(g).hiddenType, DataType.FLOAT16);
});

test('a graph whose logits are not produced by a projection is a clear error', () => {
  const g = graph([node('Relu', ['final_norm'], ['logits'])], []);
  assert.throws(() => findVocabProjection(g), /cannot find the vocabulary projection/);
  assert.throws(() => findVocabProjection(graph([], [])), /no node producing "logits"/);
});
