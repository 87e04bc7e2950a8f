import { InputError, recordError } from './input-error.js';
import type { Pair } from './pair.js';
import type { RawRecord, RecordItem } from './raw-record.js';

/**
 * Pairs from a benchmark's records, in order, by `toPair`: a bad record (an InputError thrown by `toPair`) and a
 * repeated id come through as InputErrors, so the run's `--skip-invalid` decides, not the reader.
 */
export async function* recordsToPairs(records: AsyncIterable<RecordItem>, toPair: (record: RawRecord) => Pair): AsyncGenerator<Pair | InputError> {
  const seen = new Set<string>();
  for await (const item of records) {
    if (item instanceof InputError) {
      yield item;
      continue;
    }
    let pair: Pair;
    try {
      pair = toPair(item);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      yield error;
      continue;
    }
    if (seen.has(pair.key)) {
      yield recordError(item.location, `duplicate id ${JSON.stringify(pair.id)}`, 'id');
      continue;
    }
    seen.add(pair.key);
    yield pair;
  }
}
