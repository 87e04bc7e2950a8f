import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';

/**
 * The settings asked for cannot be used as they are: a run folder that holds a run with other settings, shard runs
 * that do not fit together, a --max-length the model cannot take. The CLI reports it as a usage error.
 */
export class SettingsError extends EndormError {
  readonly exitCode = EXIT.usage;
  override name = 'SettingsError';
}
