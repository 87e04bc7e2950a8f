import { bytesText } from '../util/bytes-text.js';
import { InputError, type LocationUnit } from './input-error.js';
import { MAX_STRING_UNITS } from './input-limits.js';
import { decodeUtf8 } from './line-reader.js';

/**
 * The text of a record's bytes, or undefined when they are not UTF-8. Text longer than the longest string JavaScript
 * can hold is reported as that, with its size and the bound, never as invalid UTF-8.
 */
export function decodeRecordText(bytes: Uint8Array, file: string, line?: number, unit: LocationUnit = 'line'): string | undefined {
  try {
    return decodeUtf8(bytes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_STRING_TOO_LONG') throw error;
    const what = line === undefined ? 'the file' : unit === 'line' ? `line ${line}` : `record ${line}`;
    throw new InputError({
      code: 'too-large',
      file,
      ...(line === undefined ? {} : { line, unit }),
      reason: `${what} holds ${bytesText(bytes.length)} of text, more than the longest string JavaScript can hold (${MAX_STRING_UNITS} UTF-16 code units), so it cannot be read whatever the bounds; split it into smaller records`,
      cause: error,
    });
  }
}
