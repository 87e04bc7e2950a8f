import { constants } from 'node:buffer';
import { bytesText } from '../util/bytes-text.js';
import { InputError, type LocationUnit } from './input-error.js';

/**
 * How much of a dataset endorm holds at once, so that an endless input (`/dev/zero`, `/dev/urandom`, a pipe that never
 * ends) stops with exit 3 naming the bound instead of growing without end. Each bound has a command-line option that
 * raises it (LIMIT_OPTIONS); docs/input-limits.md explains the choice of defaults.
 */
export interface InputLimits {
  /** Longest line of a JSON Lines, CSV or TSV file, in bytes; also the first line read to recognise a JSONL dataset. */
  maxLineBytes: number;
  /** Largest JSON document (a `.json` array of records, parsed whole), in bytes. */
  maxJsonBytes: number;
  /** Most records in one file: JSONL lines (blank ones included), CSV/TSV rows, JSON array elements, Parquet rows. */
  maxRecords: number;
}

/**
 * 256 MiB: a record of that size decodes into a JavaScript string (at most 512 Mi UTF-16 units, see
 * MAX_STRING_UNITS) with room to spare, while memory stays near twice the bound. 10 million records is 30 times the
 * largest preference sets in common use.
 */
export const DEFAULT_INPUT_LIMITS: Readonly<InputLimits> = { maxLineBytes: 256 * 2 ** 20, maxJsonBytes: 256 * 2 ** 20, maxRecords: 10_000_000 };

export const LIMIT_OPTIONS: Readonly<Record<keyof InputLimits, string>> = {
  maxLineBytes: '--max-line-bytes',
  maxJsonBytes: '--max-json-bytes',
  maxRecords: '--max-records',
};

/** The longest string V8 can make (2^29 − 24 UTF-16 units): no decoded record or JSON document can be longer. */
export const MAX_STRING_UNITS = constants.MAX_STRING_LENGTH;

export function withDefaultLimits(limits: Partial<InputLimits> | undefined): InputLimits {
  return { ...DEFAULT_INPUT_LIMITS, ...(limits ?? {}) };
}

export function lineTooLong(file: string, line: number, limit: number): InputError {
  return new InputError({
    code: 'too-large',
    file,
    line,
    reason: `the line is longer than ${bytesText(limit)} (the bound on one line, ${LIMIT_OPTIONS.maxLineBytes} ${limit}); raise ${LIMIT_OPTIONS.maxLineBytes} if such a line is meant (is this a file of records at all?)`,
  });
}

export function jsonTooLarge(file: string, limit: number): InputError {
  return new InputError({
    code: 'too-large',
    file,
    reason: `the JSON document is larger than ${bytesText(limit)} (the bound on a JSON file read whole, ${LIMIT_OPTIONS.maxJsonBytes} ${limit}); raise ${LIMIT_OPTIONS.maxJsonBytes}, or give the records as JSON Lines, which are read one at a time`,
  });
}

export function tooManyRecords(file: string, limit: number, unit: LocationUnit | 'row'): InputError {
  const what = unit === 'line' ? 'lines' : unit === 'row' ? 'rows' : 'records';
  return new InputError({
    code: 'too-large',
    file,
    reason: `holds more than ${limit} ${what} (the bound on records per file, ${LIMIT_OPTIONS.maxRecords} ${limit}); raise ${LIMIT_OPTIONS.maxRecords} if the file is meant to be that long`,
  });
}
