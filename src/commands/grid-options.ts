import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_DEV_FRACTION, defaultSettingSpec, parseSelectOn } from '../benchmarks/grid-selection.js';
import { parseGridAxis, type MethodGrid } from '../rewards/method-grid.js';
import { MethodSpecError } from '../rewards/method-spec.js';
import { readRunManifest } from '../run-store/run-manifest.js';

export interface GridCliOptions {
  alpha?: number[];
  gamma?: number[];
  /** --select-on dev[:FRACTION]: the selection part's share of the records. */
  selectOn?: number;
}

/** `--alpha LIST --gamma LIST`, shared by score and rescore: every (α, γ) pair becomes an endorm method. */
export function addGridOptions(command: Command): Command {
  return command
    .option('--alpha <list>', 'temperatures to sweep, e.g. 0.25,0.5,1,2: each (α, γ) pair adds endorm:alpha=α,gamma=γ (γ = 1 without --gamma)', axis('--alpha'))
    .option('--gamma <list>', 'discounts to sweep, e.g. 0.8,0.9,0.95,0.99,1 (α = 1 without --alpha); the report adds a grid table, heat map and line plot', axis('--gamma'))
    .option(
      '--select-on <dev[:fraction]>',
      `choose the grid's setting on a seeded part of the records (default fraction ${DEFAULT_DEV_FRACTION}, whole records, split by --seed) and report it, beside α = 1, γ = 1, on the rest; without it no cell is called best`,
      selectOnOption,
    );
}

function selectOnOption(value: string): number {
  try {
    return parseSelectOn(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/**
 * The methods of a sweep with --select-on: its cells and the default setting (α = 1, γ = 1), which the chosen cell is
 * compared with on the held-out part; a usage error without a grid to choose from.
 */
export function withSelectOn(methods: string[], grid: MethodGrid | undefined, selectOn: number | undefined): string[] {
  if (selectOn === undefined) return methods;
  if (!grid) throw new MethodSpecError('--select-on chooses among the cells of a grid: give --alpha and/or --gamma');
  return defaultSettingSpec(methods) ? methods : [...methods, 'endorm'];
}

function axis(option: string) {
  return (value: string): number[] => {
    try {
      return parseGridAxis(option, value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

/** The grid a run folder was scored with, for a resume that does not repeat --alpha/--gamma. */
export async function gridOfRun(runDir: string): Promise<MethodGrid | undefined> {
  const grid = (await readRunManifest(runDir)).settings['grid'] as MethodGrid | undefined;
  return grid && Array.isArray(grid.alphas) && Array.isArray(grid.gammas) ? grid : undefined;
}
