import { asSource, type ByteSource } from './byte-source.js';
import { lineTooLong } from './input-limits.js';

export interface RawLine {
  /** 1-based. */
  line: number;
  /** The line's bytes without its terminator (LF or CRLF). Valid only until the next line is read. */
  bytes: Buffer;
  /** Byte offset just past the line's terminator (or the end of the file): where the next line starts. */
  end: number;
  /** False only for a last line that the file ends inside of (no LF after it). */
  terminated: boolean;
  /** The line ended in CRLF (or, last, in a CR), which `bytes` leaves out: CSV keeps it inside quoted fields. */
  cr: boolean;
}

/**
 * Splits a file into lines at the byte level, so that every line can be decoded on its own with a fatal decoder and an
 * invalid byte is blamed on the right line. Memory stays at about one chunk plus the longest line.
 */
export async function* readLines(file: string | ByteSource, displayName?: string, maxLineBytes = Infinity): AsyncGenerator<RawLine> {
  const source = asSource(file, displayName);
  let carry: Buffer[] = [];
  let carried = 0;
  let line = 0;
  let consumed = 0;
  for await (const chunk of source.chunks()) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      let bytes = chunk.subarray(start, nl);
      // Checked before the parts are joined: a line past the bound is never assembled.
      if (carried + bytes.length > maxLineBytes) throw lineTooLong(source.displayName, line + 1, maxLineBytes);
      if (carry.length > 0) {
        carry.push(bytes);
        bytes = Buffer.concat(carry);
        carry = [];
        carried = 0;
      }
      // The whole line plus its LF, carried parts included.
      consumed += bytes.length + 1;
      start = nl + 1;
      line += 1;
      yield lineOf(line, bytes, consumed, true);
    }
    // A copy, not a view: a view would keep the whole chunk alive while a long line waits for its end.
    if (start < chunk.length) {
      carry.push(start === 0 ? chunk : Buffer.from(chunk.subarray(start)));
      carried += chunk.length - start;
      // An endless line (/dev/zero) stops here, holding no more than the bound plus one chunk.
      if (carried > maxLineBytes) throw lineTooLong(source.displayName, line + 1, maxLineBytes);
    }
  }
  if (carry.length > 0) {
    const bytes = Buffer.concat(carry);
    line += 1;
    yield lineOf(line, bytes, consumed + bytes.length, false);
  }
}

function lineOf(line: number, bytes: Buffer, end: number, terminated: boolean): RawLine {
  const cr = bytes.length > 0 && bytes[bytes.length - 1] === 13;
  return { line, bytes: cr ? bytes.subarray(0, bytes.length - 1) : bytes, end, terminated, cr };
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true });
const lenientDecoder = new TextDecoder('utf-8');

/**
 * The text of a line, or undefined when its bytes are not UTF-8. A leading BOM is dropped. Any other failure (text
 * longer than the longest JavaScript string) is thrown as it is, not passed off as invalid UTF-8.
 */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return fatalDecoder.decode(bytes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') return undefined;
    throw error;
  }
}

/** For places that must keep going past a bad line (CSV rows that may span lines); U+FFFD stands in for bad bytes. */
export function decodeUtf8Lenient(bytes: Uint8Array): string {
  return lenientDecoder.decode(bytes);
}
