import { type Command, InvalidArgumentError } from 'commander';
import { parseGridAxis, type MethodGrid } from '../rewards/method-grid.js';
import { readRunManifest } from '../run-store/run-manifest.js';

export interface GridCliOptions {
  alpha?: number[];
  gamma?: number[];
}

/** `--alpha LIST --gamma LIST`, shared by score and rescore: every (α, γ) pair becomes an endorm method. */
export function addGridOptions(command: Command): Command {
  return command
    .option('--alpha <list>', 'temperatures to sweep, e.g. 0.25,0.5,1,2: each (α, γ) pair adds endorm:alpha=α,gamma=γ (γ = 1 without --gamma)', axis('--alpha'))
    .option('--gamma <list>', 'discounts to sweep, e.g. 0.8,0.9,0.95,0.99,1 (α = 1 without --alpha); the report adds a grid table, heat map and line plot', axis('--gamma'));
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
