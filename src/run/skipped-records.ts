import type { InputError } from '../datasets/input-error.js';

/** How many notes name skipped records one by one; the rest are only counted. */
const NAMED = 5;

/**
 * Counts the records --skip-invalid skipped, once each even when the dataset is read more than once (resuming reads it
 * twice), and names the first few for the summary's notes. Unpaired Multifaceted-Bench instances are not faults and
 * are not counted.
 */
export function skippedRecords(forward?: (err: InputError) => void) {
  const heard = new Set<string>();
  const seen = new Map<string, InputError>();
  return {
    onInvalid(err: InputError) {
      if (heard.has(err.message)) return;
      heard.add(err.message);
      if (err.code !== 'unpaired') seen.set(err.message, err);
      forward?.(err);
    },
    count: () => seen.size,
    notes(): string[] {
      if (seen.size === 0) return [];
      const named = [...seen.values()].slice(0, NAMED).map((e) => e.message);
      const more = seen.size > NAMED ? `; and ${seen.size - NAMED} more` : '';
      return [`${seen.size} invalid record(s) skipped (--skip-invalid): ${named.join('; ')}${more}.`];
    },
  };
}
