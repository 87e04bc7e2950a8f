import type { InputError, RecordLocation } from './input-error.js';

/** One parsed record before any field is looked at. */
export interface RawRecord {
  value: unknown;
  location: RecordLocation;
}

/**
 * Readers hand bad records on as values instead of throwing, so that the caller decides between skipping and stopping
 * and the reader can carry on after a skipped record.
 */
export type RecordItem = RawRecord | InputError;
