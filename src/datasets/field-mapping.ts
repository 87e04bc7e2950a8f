import { recordError, type RecordLocation } from './input-error.js';
import type { ChatMessage, Pair, SourceLocation } from './pair.js';
import type { RawRecord } from './raw-record.js';

/** Which record field holds what; the CLI's --prompt-field and friends override the defaults. */
export interface FieldNames {
  prompt: string;
  chosen: string;
  rejected: string;
  system: string;
  id: string;
  /** Only with --group-field: records without it are then invalid. */
  group?: string;
}

export interface FieldOptions {
  promptField?: string;
  chosenField?: string;
  rejectedField?: string;
  systemField?: string;
  idField?: string;
  groupField?: string;
  /** A repeated id becomes `id@LINE` instead of an invalid record (see unique-keys.ts). */
  dedupeIds?: boolean;
}

export const DEFAULT_FIELDS: Readonly<FieldNames> = { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected', system: 'system', id: 'id' };

export function fieldNames(options: FieldOptions = {}): FieldNames {
  const names: FieldNames = {
    prompt: options.promptField ?? DEFAULT_FIELDS.prompt,
    chosen: options.chosenField ?? DEFAULT_FIELDS.chosen,
    rejected: options.rejectedField ?? DEFAULT_FIELDS.rejected,
    system: options.systemField ?? DEFAULT_FIELDS.system,
    id: options.idField ?? DEFAULT_FIELDS.id,
  };
  if (options.groupField !== undefined) names.group = options.groupField;
  return names;
}

export interface PairMapping {
  fields: FieldNames;
  /** Tried in order for the group when no group field was named (Multifaceted's `source`, `main_source`). */
  groupFallbacks?: readonly string[];
}

/**
 * A generic preference record as a Pair. Throws InputError. Accepted shapes:
 * - prompt: a string, or a list of {role, content} messages that ends with a user turn;
 * - chosen/rejected: a string, or a list of messages whose last one is the assistant's response (the layout of
 *   ultrafeedback_binarized and Multifaceted-Collection-RM). With such lists the prompt field may be left out: the
 *   turns before the response become the prompt, a leading system turn the system message.
 * - id: a string or a number; without one, the line (or record) number stands in.
 */
export function recordToPair(raw: RawRecord, mapping: PairMapping): Pair {
  const { location } = raw;
  const record = expectObject(raw);
  const f = mapping.fields;
  for (const field of [f.chosen, f.rejected]) if (record[field] === undefined) throw unmappedField(record, field, location);
  const chosen = parseResponses(record[f.chosen], f.chosen, location);
  const rejected = parseResponses(record[f.rejected], f.rejected, location);
  let system = optionalString(record[f.system], f.system, location);
  let prompt: string | ChatMessage[];
  if (record[f.prompt] === undefined && chosen.turns !== undefined) {
    const derived = promptFromTurns(chosen.turns, f.chosen, location);
    prompt = derived.prompt;
    system ??= derived.system;
  } else {
    if (record[f.prompt] === undefined) throw unmappedField(record, f.prompt, location);
    prompt = parsePrompt(record[f.prompt], f.prompt, location);
  }
  const id = recordId(record, f.id, location);
  const pair: Pair = { key: id, id, prompt, chosen: chosen.texts, rejected: rejected.texts, source: sourceOf(location) };
  if (system !== undefined) pair.system = system;
  const group = groupOf(record, mapping, location);
  if (group !== undefined) pair.group = group;
  return pair;
}

/**
 * A field the mapping names is not in the record: most often a dataset with its own names (question/good/bad), so the
 * message lists the names the record has and the options that map them.
 */
function unmappedField(record: Record<string, unknown>, field: string, location: RecordLocation) {
  const found = Object.keys(record);
  const has = found.length ? `the record's fields are ${found.slice(0, 12).join(', ')}${found.length > 12 ? ', …' : ''}` : 'the record has no fields';
  return recordError(location, `missing (${has}; name the dataset's own fields with --prompt-field, --chosen-field and --rejected-field)`, field);
}

export function sourceOf(location: RecordLocation): SourceLocation {
  return location.unit === 'line' ? { file: location.file, line: location.line } : { file: location.file, line: location.line, unit: 'record' };
}

export function expectObject(raw: RawRecord): Record<string, unknown> {
  const { value } = raw;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw recordError(raw.location, `expected a JSON object, found ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A non-empty string, whitespace kept exactly as given (RM-Bench's responses differ in formatting on purpose). */
export function requiredString(value: unknown, field: string, location: RecordLocation): string {
  if (value === undefined) throw recordError(location, 'missing', field);
  if (typeof value !== 'string' || value.trim() === '') {
    throw recordError(location, `expected a non-empty string, found ${describe(value)}`, field);
  }
  return wellFormedText(value, field, location);
}

/** Absent, null and '' all mean "none". */
export function optionalString(value: unknown, field: string, location: RecordLocation): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw recordError(location, `expected a string, found ${describe(value)}`, field);
  return wellFormedText(value, field, location);
}

/** Half of a UTF-16 surrogate pair without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text as it can be tokenised: a lone surrogate (a JSON escape such as `\ud800` without its pair) is no character at
 * all, and would reach the tokenizer as U+FFFD or not at all, scoring other text than the record's. It is an input
 * error naming the field, not silently replaced.
 */
export function wellFormedText(value: string, field: string, location: RecordLocation, where = ''): string {
  const match = LONE_SURROGATE.exec(value);
  if (match === null) return value;
  const unit = match[0].charCodeAt(0).toString(16).padStart(4, '0');
  throw recordError(location, `${where}holds a lone surrogate (\\u${unit} at character ${match.index + 1}), which is no character: a JSON \\uD800–\\uDFFF escape must come in a high-low pair`, field);
}

/** Ids may be numbers (RM-Bench) or strings; the record number stands in when there is no id field at all. */
export function recordId(record: Record<string, unknown>, field: string, location: RecordLocation): string {
  const value = record[field];
  if (value === undefined || value === null) return String(location.line);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw recordError(location, `expected a non-empty string or a number, found ${describe(value)}`, field);
}

/** A category label: a non-empty string, or a number taken as its decimal text. */
export function labelValue(value: unknown, field: string, location: RecordLocation): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return requiredString(value, field, location);
}

function groupOf(record: Record<string, unknown>, mapping: PairMapping, location: RecordLocation): string | undefined {
  if (mapping.fields.group !== undefined) return labelValue(record[mapping.fields.group], mapping.fields.group, location);
  for (const field of mapping.groupFallbacks ?? []) {
    const value = record[field];
    if (value !== undefined && value !== null && value !== '') return labelValue(value, field, location);
  }
  return undefined;
}

const ROLES: ReadonlySet<string> = new Set(['system', 'user', 'assistant']);

/** A list of chat turns; every role checked, every content a string. */
export function parseMessages(value: unknown[], field: string, location: RecordLocation): ChatMessage[] {
  if (value.length === 0) throw recordError(location, 'expected at least one message, found an empty list', field);
  return value.map((item, i) => {
    const where = `message ${i + 1}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw recordError(location, `${where}: expected a {role, content} object, found ${describe(item)}`, field);
    }
    const { role, content } = item as Record<string, unknown>;
    if (typeof role !== 'string' || !ROLES.has(role)) {
      throw recordError(location, `${where}: role ${JSON.stringify(role) ?? 'missing'} is not one of system, user, assistant`, field);
    }
    if (typeof content !== 'string') throw recordError(location, `${where}: content: expected a string, found ${describe(content)}`, field);
    wellFormedText(content, field, location, `${where}: content `);
    if (role === 'system' && i !== 0) throw recordError(location, `${where}: a system message may only come first`, field);
    if (role !== 'system' && content.trim() === '') throw recordError(location, `${where}: empty ${role} content`, field);
    return { role: role as ChatMessage['role'], content };
  });
}

/** A prompt is a string or a conversation that ends with the user's turn, the one the responses answer. */
export function parsePrompt(value: unknown, field: string, location: RecordLocation): string | ChatMessage[] {
  if (!Array.isArray(value)) {
    if (value !== undefined && typeof value !== 'string') {
      throw recordError(location, `expected a string or a list of {role, content} messages, found ${describe(value)}`, field);
    }
    return requiredString(value, field, location);
  }
  const messages = parseMessages(value, field, location);
  checkEndsWithUser(messages, field, location);
  return messages;
}

function checkEndsWithUser(messages: ChatMessage[], field: string, location: RecordLocation): void {
  const last = messages[messages.length - 1];
  if (last?.role !== 'user') {
    throw recordError(location, `the conversation must end with a user turn, it ends with ${last?.role ?? 'nothing'}`, field);
  }
}

export interface ParsedResponse {
  text: string;
  /** The turns before the response, when the response came as a conversation. */
  turns?: ChatMessage[];
}

/**
 * One side of a record: a response (see parseResponse), or a list of responses (best-of-N records: one chosen against
 * several rejected, or several of each). A list of strings is read as responses; a list of {role, content} messages
 * stays one conversation, as before lists of responses were read.
 */
export function parseResponses(value: unknown, field: string, location: RecordLocation): { texts: string[]; turns?: ChatMessage[] } {
  if (Array.isArray(value) && value.length === 0) throw recordError(location, 'expected a response or a list of responses, found an empty list', field);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return { texts: value.map((item, i) => requiredString(item, `${field}[${i}]`, location)) };
  }
  const one = parseResponse(value, field, location);
  return one.turns === undefined ? { texts: [one.text] } : { texts: [one.text], turns: one.turns };
}

/** A response is a string, or a conversation whose last message is the assistant's response. */
export function parseResponse(value: unknown, field: string, location: RecordLocation): ParsedResponse {
  if (!Array.isArray(value)) return { text: requiredString(value, field, location) };
  const messages = parseMessages(value, field, location);
  const last = messages[messages.length - 1]!;
  if (last.role !== 'assistant') {
    throw recordError(location, `the last message must be the assistant's response, found a ${last.role} message`, field);
  }
  return { text: last.content, turns: messages.slice(0, -1) };
}

function promptFromTurns(turns: ChatMessage[], field: string, location: RecordLocation): { prompt: ChatMessage[]; system?: string } {
  const system = turns[0]?.role === 'system' ? turns[0].content : undefined;
  const prompt = system === undefined ? turns : turns.slice(1);
  if (prompt.length === 0) throw recordError(location, 'no prompt field, and no user turn before the response', field);
  checkEndsWithUser(prompt, field, location);
  return system === undefined || system === '' ? { prompt } : { prompt, system };
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (typeof value === 'string') return value === '' ? 'an empty string' : value.trim() === '' ? 'only whitespace' : 'a string';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
