import type { Command } from 'commander';
import { DEFAULT_INPUT_LIMITS, LIMIT_OPTIONS, type InputLimits } from '../datasets/input-limits.js';
import { positiveInt } from './option-parsers.js';

export interface InputLimitCliOptions {
  maxLineBytes?: number;
  maxJsonBytes?: number;
  maxRecords?: number;
}

/** The bounds on what one dataset file may hold (see datasets/input-limits.ts and docs/input-limits.md). */
export function addInputLimitOptions(command: Command): Command {
  return command
    .option(`${LIMIT_OPTIONS.maxLineBytes} <n>`, `longest line of a JSONL, CSV or TSV file, in bytes (default: ${DEFAULT_INPUT_LIMITS.maxLineBytes}, 256 MiB)`, positiveInt)
    .option(`${LIMIT_OPTIONS.maxJsonBytes} <n>`, `largest .json file (read whole), in bytes (default: ${DEFAULT_INPUT_LIMITS.maxJsonBytes}, 256 MiB)`, positiveInt)
    .option(`${LIMIT_OPTIONS.maxRecords} <n>`, `most records (lines, rows) in one dataset file (default: ${DEFAULT_INPUT_LIMITS.maxRecords})`, positiveInt);
}

/** The limits given on the command line; those left out keep their defaults. */
export function inputLimits(opts: InputLimitCliOptions): Partial<InputLimits> {
  return {
    ...(opts.maxLineBytes !== undefined ? { maxLineBytes: opts.maxLineBytes } : {}),
    ...(opts.maxJsonBytes !== undefined ? { maxJsonBytes: opts.maxJsonBytes } : {}),
    ...(opts.maxRecords !== undefined ? { maxRecords: opts.maxRecords } : {}),
  };
}

export const INPUT_LIMIT_OPTION_NAMES = Object.values(LIMIT_OPTIONS);
