import type { OnnxTypes } from '../onnx/onnx-proto.js';

/**
 * A port of transform.py's `logits-to-keep`: transformers ≥ 4.45 exports trace `lm_head(hidden_states[:,
 * -num_logits_to_keep:, :])` with the count as an int64 scalar input (0 keeps every position): Neg → Unsqueeze →
 * Slice on axis 1 before the lm_head's MatMul. For writeModelVariant (opset 13 or newer: Unsqueeze takes its axes as an input).
 */
export function addLogitsToKeep(model: OnnxTypes.ModelProto): void {
  const g = model.graph!;
  const producer = new Map(g.node!.flatMap((n) => n.output!.map((o) => [o, n] as const)));
  let head = producer.get('logits')!;
  while (!['MatMul', 'MatMulNBits', 'MatMulInteger'].includes(head.opType!)) head = producer.get(head.input![0])!;
  const hidden = head.input![0];
  g.input!.push({ name: 'num_logits_to_keep', type: { tensorType: { elemType: 7, shape: { dim: [] } } } } as OnnxTypes.IValueInfoProto);
  const int64 = (name: string, value: bigint) => ({ name, dataType: 7, dims: [1], rawData: new Uint8Array(BigInt64Array.of(value).buffer) }) as OnnxTypes.ITensorProto;
  g.initializer!.push(int64('/lm_head/axes0', 0n), int64('/lm_head/end', 2n ** 63n - 1n), int64('/lm_head/axis1', 1n), int64('/lm_head/step', 1n));
  const added = [
    { opType: 'Neg', input: ['num_logits_to_keep'], output: ['/Neg_output_0'], name: '/Neg' },
    { opType: 'Unsqueeze', input: ['/Neg_output_0', '/lm_head/axes0'], output: ['/Unsqueeze_keep_output_0'], name: '/Unsqueeze_keep' },
    { opType: 'Slice', input: [hidden, '/Unsqueeze_keep_output_0', '/lm_head/end', '/lm_head/axis1', '/lm_head/step'], output: ['/Slice_keep_output_0'], name: '/Slice_keep' },
  ] as OnnxTypes.INodeProto[];
  g.node!.splice(g.node!.indexOf(head), 0, ...added);
  head.input![0] = '/Slice_keep_output_0';
}
