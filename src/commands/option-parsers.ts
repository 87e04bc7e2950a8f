import { InvalidArgumentError } from 'commander';
import { ALPHA_RULE, isUsableAlpha } from '../rewards/alpha-range.js';
import { splitMethodList } from '../rewards/method-spec.js';

/** Option value parsers shared by the commands: each validates once, at the edge. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

/** `--alpha` of inspect and show: one temperature, in the range the scoring head computes in (see alpha-range.ts). */
export function alphaValue(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !isUsableAlpha(n)) throw new InvalidArgumentError(`expected ${ALPHA_RULE}`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

/** `--methods` (repeatable): a value that names no method (`--methods ,`) is an error, not a silent fall back to the defaults. */
export function methodList(value: string, previous: string[]): string[] {
  const specs = splitMethodList(value);
  if (specs.length === 0) throw new InvalidArgumentError('names no method; give comma-separated specs, e.g. endorm,loglik');
  return [...previous, ...specs];
}
