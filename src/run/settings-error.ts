/**
 * The settings asked for cannot be used as they are: a run folder that holds a run with other settings, shard runs
 * that do not fit together, a --max-length the model cannot take. The CLI reports it as a usage error.
 */
export class SettingsError extends Error {
  override name = 'SettingsError';
}
