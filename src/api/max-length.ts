import type { LoadedModel } from '../engine/load-model.js';
import { SettingsError } from '../run/settings-error.js';

/** The length used when neither --max-length nor the model's config says: 4096 tokens. */
export const DEFAULT_MAX_LENGTH = 4096;

/**
 * `--max-length` as `score`, `inspect` and `loadScorer` use it: at most the model's context (a longer one is a usage
 * error); by default the model's context, capped at DEFAULT_MAX_LENGTH.
 */
export function maxLengthFor(requested: number | undefined, model: Pick<LoadedModel, 'maxPositions'>): number {
  const context = model.maxPositions;
  if (requested !== undefined && context !== undefined && requested > context) {
    throw new SettingsError(`--max-length ${requested} is longer than the model's context of ${context} tokens`);
  }
  return requested ?? Math.min(context ?? DEFAULT_MAX_LENGTH, DEFAULT_MAX_LENGTH);
}
