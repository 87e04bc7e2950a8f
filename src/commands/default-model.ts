/** A real small instruct model with transformers.js-layout ONNX weights on the Hub. */
export const DEFAULT_MODEL = 'onnx-community/Qwen2.5-0.5B-Instruct';

export function defaultModelSpec(): string {
  return process.env.ENDORM_MODEL || DEFAULT_MODEL;
}
