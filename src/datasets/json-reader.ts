import { asSource, type ByteSource } from './byte-source.js';
import { InputError } from './input-error.js';
import { DEFAULT_INPUT_LIMITS, jsonTooLarge, tooManyRecords, type InputLimits } from './input-limits.js';
import { jsonErrorPosition } from './json-error-position.js';
import { jsonReason } from './jsonl-reader.js';
import { decodeUtf8 } from './line-reader.js';
import type { RecordItem } from './raw-record.js';
import { decodeRecordText } from './record-text.js';

/**
 * A JSON array of records, parsed whole (such files are small: RM-Bench's largest is under 3 MB). Records are located
 * by their 1-based index. Damage to the file itself (bad UTF-8, broken JSON, not an array) stops the read whatever
 * skipInvalid says, because no record after it can be trusted; it is located by line.
 */
export async function* readJsonArrayRecords(file: string | ByteSource, displayName?: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): AsyncGenerator<RecordItem> {
  const source = asSource(file, displayName);
  displayName = source.displayName;
  const records = await loadJsonArray(source, undefined, limits);
  if (records.length > limits.maxRecords) throw tooManyRecords(displayName, limits.maxRecords, 'record');
  for (let i = 0; i < records.length; i++) {
    yield { value: records[i], location: { file: displayName, line: i + 1, unit: 'record' } };
  }
}

export async function loadJsonArray(file: string | ByteSource, name?: string, limits: Pick<InputLimits, 'maxJsonBytes'> = DEFAULT_INPUT_LIMITS): Promise<unknown[]> {
  const source = asSource(file, name);
  const displayName = source.displayName;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source.chunks()) {
    size += chunk.length;
    // An endless document (`[` then /dev/zero) stops at the bound, holding no more than it.
    if (size > limits.maxJsonBytes) throw jsonTooLarge(displayName, limits.maxJsonBytes);
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  chunks.length = 0;
  const text = decodeRecordText(bytes, displayName);
  if (text === undefined) {
    throw new InputError({ code: 'invalid-utf8', file: displayName, line: firstBadLine(bytes), reason: 'invalid UTF-8' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const position = jsonErrorPosition(text, error instanceof Error ? error.message : '');
    throw new InputError({
      code: 'malformed-json',
      file: displayName,
      ...(position === undefined ? {} : { line: lineOf(text, position) }),
      reason: `malformed JSON (${jsonReason(error)})${jsonlHint(text)}`,
    });
  }
  if (!Array.isArray(value)) {
    throw new InputError({ code: 'malformed-json', file: displayName, reason: `expected a JSON array of records${jsonlHint(text)}` });
  }
  return value;
}

/** UTF-8 never uses byte 0x0A inside a character, so the file can be cut into lines before decoding. */
function firstBadLine(bytes: Buffer): number {
  let line = 1;
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(10, start);
    const end = nl === -1 ? bytes.length : nl;
    if (decodeUtf8(bytes.subarray(start, end)) === undefined) return line;
    if (nl === -1) return line;
    start = nl + 1;
    line += 1;
  }
}

function lineOf(text: string, position: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

function jsonlHint(text: string): string {
  return text.trimStart().startsWith('{') ? '; one object per line is JSONL: name the file .jsonl or pass --format jsonl' : '';
}
