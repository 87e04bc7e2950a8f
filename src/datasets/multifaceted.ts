import { expectObject, fieldNames, labelValue, recordId, requiredString, sourceOf, type FieldOptions, type PairMapping } from './field-mapping.js';
import { InputError, recordError, type RecordLocation } from './input-error.js';
import type { Pair } from './pair.js';
import type { RecordItem } from './raw-record.js';

/**
 * Multifaceted Collection / Multifaceted Bench (Lee et al., "Aligning to Thousands of Preferences via System Message
 * Generalization", NeurIPS 2024): the same instruction under several preference-laden system messages.
 */

/**
 * Multifaceted-Collection-DPO/-RM name the originating dataset `main_source`; other exports call it `source`. Either
 * becomes the group, for per-source accuracy.
 */
export const MULTIFACETED_GROUP_FIELDS = ['source', 'main_source'] as const;

export const REFERENCE_ANSWER_FIELD = 'reference_answer';

/** Multifaceted-Collection-DPO/-RM rows are ordinary pairs with a system message; only the group default differs. */
export function multifacetedMapping(options: FieldOptions = {}): PairMapping {
  return { fields: fieldNames(options), groupFallbacks: MULTIFACETED_GROUP_FIELDS };
}

/** The Multifaceted-Bench schema: a reference answer instead of a chosen/rejected pair. */
export function isMultifacetedBenchRecord(value: unknown, options: FieldOptions = {}): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return REFERENCE_ANSWER_FIELD in record && !(fieldNames(options).chosen in record);
}

/** Has the shape of a Multifaceted-Collection pair (system message, chosen, rejected). */
export function isMultifacetedPairRecord(value: unknown, options: FieldOptions = {}): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const f = fieldNames(options);
  return f.system in record && f.chosen in record && f.rejected in record;
}

interface BenchInstance {
  id: string;
  system: string;
  reference: string;
  group?: string;
  location: RecordLocation;
}

/**
 * Pairs from Multifaceted-Bench, which has no rejected responses. Instances that share a prompt (exact string match)
 * differ only in their system message, and each reference answer was written for its own system message. So for the
 * instances 0..n-1 of one prompt (file order, n >= 2), instance i gives one pair judged under its own system message:
 *   chosen   = reference_answer of instance i
 *   rejected = reference_answer of instance (i + 1) mod n, an answer to the same prompt written for another preference
 * This mirrors how Multifaceted-Collection-DPO drew its rejected responses from the other system messages of the same
 * instruction. A prompt with a single instance gives no pair; it is reported as an 'unpaired' InputError.
 * Grouping needs the whole file, so this buffers every instance (Multifaceted-Bench has 921).
 */
export async function* multifacetedBenchPairs(records: AsyncIterable<RecordItem>, options: FieldOptions = {}): AsyncGenerator<Pair | InputError> {
  const f = fieldNames(options);
  const byPrompt = new Map<string, BenchInstance[]>();
  for await (const item of records) {
    if (item instanceof InputError) {
      yield item;
      continue;
    }
    const { location } = item;
    let prompt: string;
    let instance: BenchInstance;
    try {
      const record = expectObject(item);
      prompt = requiredString(record[f.prompt], f.prompt, location);
      instance = {
        id: recordId(record, f.id, location),
        system: requiredString(record[f.system], f.system, location),
        reference: requiredString(record[REFERENCE_ANSWER_FIELD], REFERENCE_ANSWER_FIELD, location),
        location,
      };
      const group = benchGroup(record, f.group, location);
      if (group !== undefined) instance.group = group;
    } catch (error) {
      if (error instanceof InputError) {
        yield error;
        continue;
      }
      throw error;
    }
    const instances = byPrompt.get(prompt);
    if (instances === undefined) byPrompt.set(prompt, [instance]);
    else instances.push(instance);
  }
  for (const [prompt, instances] of byPrompt) {
    if (instances.length < 2) {
      const lone = instances[0]!;
      yield recordError(lone.location, 'no other instance has this prompt, so no rejected answer can be built', f.prompt, 'unpaired');
      continue;
    }
    for (let i = 0; i < instances.length; i++) {
      const own = instances[i]!;
      const other = instances[(i + 1) % instances.length]!;
      const pair: Pair = {
        key: own.id,
        id: own.id,
        system: own.system,
        prompt,
        chosen: [own.reference],
        rejected: [other.reference],
        source: sourceOf(own.location),
      };
      if (own.group !== undefined) pair.group = own.group;
      yield pair;
    }
  }
}

function benchGroup(record: Record<string, unknown>, groupField: string | undefined, location: RecordLocation): string | undefined {
  if (groupField !== undefined) return labelValue(record[groupField], groupField, location);
  for (const field of MULTIFACETED_GROUP_FIELDS) {
    const value = record[field];
    if (value !== undefined && value !== null && value !== '') return labelValue(value, field, location);
  }
  return undefined;
}
