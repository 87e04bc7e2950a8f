/** A model that cannot be used: missing files, an unsupported architecture, no usable tokenizer. */
export class ModelError extends Error {
  override name = 'ModelError';
}
