import { fieldNames, type FieldOptions } from './field-mapping.js';
import { InputError, recordError } from './input-error.js';
import type { Pair } from './pair.js';

/**
 * A record's key names its scores in a run folder, so two records with one id would overwrite each other's scores. A
 * repeated id is an invalid record naming the line (or record) of the first; with `dedupeIds` it becomes `id@LINE`
 * (its own line or record number) instead, and the first keeps its id.
 */
export async function* uniqueKeys(items: AsyncIterable<Pair | InputError>, options: FieldOptions = {}): AsyncGenerator<Pair | InputError> {
  // Where each key was first seen; a dataset of several files can repeat an id in another file.
  const seen = new Map<string, { file: string; line: number }>();
  const idField = fieldNames(options).id;
  for await (const item of items) {
    if (item instanceof InputError) {
      yield item;
      continue;
    }
    const { source } = item;
    const location = { file: source.file, line: source.line, unit: source.unit ?? ('line' as const) };
    const first = seen.get(item.key);
    if (first === undefined) {
      seen.set(item.key, source);
      yield item;
      continue;
    }
    const firstAt = `${first.file === source.file ? '' : `${first.file} `}${location.unit === 'record' ? 'record' : 'line'} ${first.line}`;
    if (!options.dedupeIds) {
      yield recordError(location, `duplicate id ${JSON.stringify(item.id)} (also on ${firstAt}); pass --dedupe-ids to make repeated ids unique by their line number`, idField);
      continue;
    }
    const key = `${item.key}@${source.line}`;
    if (seen.has(key)) {
      yield recordError(location, `duplicate id ${JSON.stringify(item.id)} (also on ${firstAt}), and ${JSON.stringify(key)} is taken too`, idField);
      continue;
    }
    seen.set(key, source);
    yield { ...item, key };
  }
}
