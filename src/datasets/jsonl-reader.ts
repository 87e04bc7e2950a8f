import type { ByteSource } from './byte-source.js';
import { InputError } from './input-error.js';
import { DEFAULT_INPUT_LIMITS, tooManyRecords, type InputLimits } from './input-limits.js';
import { readLines } from './line-reader.js';
import { decodeRecordText } from './record-text.js';
import type { RecordItem } from './raw-record.js';

/**
 * JSON Lines, one record per line, streamed: memory does not grow with the file. Blank lines are skipped but still
 * counted, so that line numbers match an editor's. A file whose first record starts with `[` is a JSON array, not JSON
 * Lines: that stops the read (no line of it can be trusted) with a hint to read it as JSON.
 */
export async function* readJsonlRecords(file: string | ByteSource, displayName?: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): AsyncGenerator<RecordItem> {
  const name = displayName ?? (typeof file === 'string' ? file : file.displayName);
  let first = true;
  for await (const { line, bytes } of readLines(file, name, limits.maxLineBytes)) {
    // Every line counts, blank ones included: an endless run of empty lines stops too.
    if (line > limits.maxRecords) throw tooManyRecords(name, limits.maxRecords, 'line');
    const location = { file: name, line, unit: 'line' as const };
    const text = decodeRecordText(bytes, name, line);
    if (text === undefined) {
      yield new InputError({ code: 'invalid-utf8', ...location, reason: 'invalid UTF-8' });
      continue;
    }
    if (text.trim() === '') continue;
    if (first && text.trimStart().startsWith('[')) {
      throw new InputError({
        code: 'malformed-json',
        ...location,
        reason: 'this is a JSON array, not JSON Lines (one object per line): pass --format json, or name the file .json',
      });
    }
    first = false;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield new InputError({ code: 'malformed-json', ...location, reason: `malformed JSON (${jsonReason(error)})` });
      continue;
    }
    yield { value, location };
  }
}

/** V8's message without the echo of the input, which can be a whole megabyte-long line. */
export function jsonReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, "[\s\S]*" is not valid JSON$/, '').slice(0, 200);
}
