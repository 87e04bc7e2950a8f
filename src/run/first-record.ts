import type { Dataset } from '../datasets/open-dataset.js';

/**
 * Reads the dataset's first record before the model loads, so that a file whose fields do not map (question/good/bad)
 * fails in a second with the record's own field names, not after a download and with a run folder made. A stream is
 * read once, by the run itself, and `skipInvalid` runs take bad records as they come: neither is peeked at.
 */
export async function checkFirstRecord(dataset: Dataset, o: { skipInvalid?: boolean }): Promise<void> {
  if (dataset.rereadable === false || o.skipInvalid) return;
  const records = dataset.pairs()[Symbol.asyncIterator]();
  try {
    await records.next();
  } finally {
    await records.return?.();
  }
}
