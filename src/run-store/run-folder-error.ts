import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';

/** A run folder that cannot be read: the command reports the message as is, without a stack. */
export class RunFolderError extends EndormError {
  readonly exitCode = EXIT.input;
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'RunFolderError';
  }
}
