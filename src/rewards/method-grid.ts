import { ALPHA_RULE, isUsableAlpha } from './alpha-range.js';
import { MethodSpecError } from './method-spec.js';

/** A sweep over temperature and discount: every (α, γ) pair becomes one `endorm` method. */
export interface MethodGrid {
  alphas: number[];
  gammas: number[];
}

/** The canonical name of a grid cell, always with both parameters, so reports can find each cell by name. */
export function gridMethodSpec(alpha: number, gamma: number): string {
  return `endorm:alpha=${alpha},gamma=${gamma}`;
}

/** Row by row (α outer, γ inner, both ascending), the order of the grid table and of the run's methods list. */
export function gridMethodSpecs(grid: MethodGrid): string[] {
  return grid.alphas.flatMap((a) => grid.gammas.map((g) => gridMethodSpec(a, g)));
}

/**
 * The methods a run scores: those asked for by name, then the grid's cells not already among them. A missing axis is
 * the default (α = 1 or γ = 1); no axis at all means no grid.
 */
export function withGridMethods(methods: readonly string[], alphas?: readonly number[], gammas?: readonly number[]): { methods: string[]; grid?: MethodGrid } {
  if (!alphas?.length && !gammas?.length) return { methods: [...methods] };
  const grid: MethodGrid = { alphas: checkAxis('--alpha', alphas ?? [1], isUsableAlpha, ALPHA_RULE), gammas: checkAxis('--gamma', gammas ?? [1], (x) => x > 0 && x <= 1, 'a discount in (0, 1]') };
  return { methods: [...new Set([...methods, ...gridMethodSpecs(grid)])], grid };
}

/** Parses `0.25,0.5,1,2` into numbers; a bad value is a usage error naming the option and the value. */
export function parseGridAxis(option: string, list: string): number[] {
  const values = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (values.length === 0) throw new MethodSpecError(`${option} ${JSON.stringify(list)}: expected a comma-separated list of numbers`);
  return values.map((raw) => {
    const x = Number(raw);
    if (!Number.isFinite(x)) throw new MethodSpecError(`${option}: "${raw}" is not a number`);
    return x;
  });
}

function checkAxis(option: string, values: readonly number[], ok: (x: number) => boolean, rule: string): number[] {
  for (const x of values) if (!ok(x)) throw new MethodSpecError(`${option}: ${x} is not ${rule}`);
  return [...new Set(values)].sort((a, b) => a - b);
}
