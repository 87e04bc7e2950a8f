import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';

/** A model that cannot be used: missing files, an unsupported architecture, no usable tokenizer. */
export class ModelError extends EndormError {
  readonly exitCode = EXIT.model;
  override name = 'ModelError';
}
