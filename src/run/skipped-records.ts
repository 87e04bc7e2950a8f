import type { InputError } from '../datasets/input-error.js';

/** How many notes name skipped records one by one; the rest are only counted. */
const NAMED = 5;

/**
 * Skipped records remembered one by one to count each once: past this many, further ones are counted as they come
 * (a second read of the dataset, when resuming, may then count them twice). Without it, an endless file of bad lines
 * (/dev/urandom with --skip-invalid) held every message until --max-records stopped it: 4.5 GB after 10 minutes.
 */
const REMEMBERED = 100_000;

/**
 * Counts the records --skip-invalid skipped, once each even when the dataset is read more than once (resuming reads it
 * twice), and names the first few for the summary's notes. Unpaired Multifaceted-Bench instances are not faults and
 * are not counted.
 */
export function skippedRecords(forward?: (err: InputError) => void) {
  const heard = new Set<string>();
  const named: string[] = [];
  let count = 0;
  return {
    onInvalid(err: InputError) {
      if (heard.has(err.message)) return;
      if (heard.size < REMEMBERED) heard.add(err.message);
      if (err.code !== 'unpaired') {
        count += 1;
        if (named.length < NAMED) named.push(err.message);
      }
      forward?.(err);
    },
    count: () => count,
    notes(): string[] {
      if (count === 0) return [];
      const more = count > NAMED ? `; and ${count - NAMED} more` : '';
      return [`${count} invalid record(s) skipped (--skip-invalid): ${named.join('; ')}${more}.`];
    },
  };
}
