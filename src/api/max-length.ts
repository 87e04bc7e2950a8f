import type { LoadedModel } from '../engine/load-model.js';
import { SettingsError } from '../run/settings-error.js';

const DEFAULT_MAX_LENGTH = 4096;

/** `--max-length`, checked against the model's context; by default the context, at most 4096 tokens. */
export function maxLengthFor(requested: number | undefined, model: Pick<LoadedModel, 'maxPositions'>): number {
  const context = model.maxPositions;
  if (requested !== undefined && context !== undefined && requested > context) {
    throw new SettingsError(`--max-length ${requested} is longer than the model's context of ${context} tokens`);
  }
  return requested ?? Math.min(context ?? DEFAULT_MAX_LENGTH, DEFAULT_MAX_LENGTH);
}
