import Papa from 'papaparse';
import type { ByteSource } from './byte-source.js';
import { InputError } from './input-error.js';
import { DEFAULT_INPUT_LIMITS, tooManyRecords, type InputLimits } from './input-limits.js';
import { decodeUtf8Lenient, readLines } from './line-reader.js';
import type { RecordItem } from './raw-record.js';
import { decodeRecordText } from './record-text.js';

/** How much text is handed to the parser at a time; a record longer than this simply waits for more. */
const BATCH_CHARS = 1 << 16;
/** One record may not hold more text than this: past it, an unclosed quote is far likelier than a real field. */
const MAX_PENDING_CHARS = 1 << 26;

interface ParsedRow {
  fields: string[];
  startLine: number;
  endLine: number;
  error?: string;
}

/**
 * CSV or TSV with a header row, streamed through papaparse's low-level parser so that rows (quoted fields may span
 * lines) come with the line they start on. Lines are decoded here, one at a time with a fatal decoder, so that a bad
 * byte is blamed on its row. Rows may end in LF or CRLF; a line break inside a quoted field is kept as the file wrote it.
 */
export async function* readDelimitedRecords(
  file: string | ByteSource,
  delimiter: ',' | '\t',
  displayName?: string,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): AsyncGenerator<RecordItem> {
  displayName ??= typeof file === 'string' ? file : file.displayName;
  let header: string[] | undefined;
  let rows = 0;
  for await (const row of readRows(file, delimiter, displayName, limits.maxLineBytes)) {
    // Every row counts, blank ones and the header included: an endless run of empty lines stops too.
    if (++rows > limits.maxRecords) throw tooManyRecords(displayName, limits.maxRecords, 'row');
    const location = { file: displayName, line: row.startLine, unit: 'line' as const };
    if (row.error !== undefined) {
      yield new InputError({ code: row.error === 'invalid UTF-8' ? 'invalid-utf8' : 'malformed-csv', ...location, reason: row.error });
      continue;
    }
    if (row.fields.length === 1 && row.fields[0] === '') continue;
    if (header === undefined) {
      const names = row.fields.map((name) => name.trim());
      const duplicate = names.find((name, i) => names.indexOf(name) !== i);
      if (duplicate !== undefined) {
        throw new InputError({ code: 'malformed-csv', ...location, reason: `header names column "${duplicate}" twice` });
      }
      header = names;
      continue;
    }
    if (row.fields.length !== header.length) {
      yield new InputError({
        code: 'malformed-csv',
        ...location,
        reason: `expected ${header.length} fields as in the header, found ${row.fields.length}`,
      });
      continue;
    }
    const value: Record<string, string> = {};
    header.forEach((name, i) => {
      value[name] = row.fields[i] ?? '';
    });
    yield { value, location };
  }
}

async function* readRows(file: string | ByteSource, delimiter: string, displayName: string, maxLineBytes: number): AsyncGenerator<ParsedRow> {
  const badLines = new Set<number>();
  // Lines are handed to the parser joined by LF; these ended in CRLF, which a quoted field gets back (see withCrlf).
  const crlfLines = new Set<number>();
  let pending = '';
  let pendingLine = 1;
  let batch: string[] = [];
  let batchChars = 0;
  // Grows while a record spans batches, so that a long quoted field is re-parsed a logarithmic number of times.
  let threshold = BATCH_CHARS;

  const take = (last: boolean): ParsedRow[] => {
    const rows: ParsedRow[] = [];
    let rowStart = 0;
    let line = pendingLine;
    const parser = new Papa.Parser({
      delimiter,
      newline: '\n',
      step: (results: Papa.ParseStepResult<string[]>) => {
        const rowEnd = results.meta.cursor;
        const terminated = pending[rowEnd - 1] === '\n';
        const inner = countNewlines(pending, rowStart, terminated ? rowEnd - 1 : rowEnd);
        const row: ParsedRow = { fields: (results.data as unknown as string[][])[0] ?? [], startLine: line, endLine: line + inner };
        const quoteError = results.errors.find((e) => e.type === 'Quotes');
        if (quoteError !== undefined) row.error = quoteError.code === 'MissingQuotes' ? 'quoted field never closed' : 'stray quote in a quoted field';
        for (let l = row.startLine; l <= row.endLine; l++) if (badLines.has(l)) row.error = 'invalid UTF-8';
        if (row.endLine > row.startLine) row.fields = withCrlf(row.fields, row.startLine, crlfLines);
        rows.push(row);
        line += inner + (terminated ? 1 : 0);
        rowStart = rowEnd;
      },
    });
    parser.parse(pending, 0, !last);
    for (const row of rows) {
      for (let l = row.startLine; l <= row.endLine; l++) {
        badLines.delete(l);
        crlfLines.delete(l);
      }
    }
    pending = pending.slice(rowStart);
    pendingLine = line;
    if (pending.length > MAX_PENDING_CHARS) {
      throw new InputError({ code: 'malformed-csv', file: displayName, line, reason: 'a quoted field runs on for more than 64 Mi characters; is a quote never closed?' });
    }
    return rows;
  };

  for await (const { line, bytes, cr } of readLines(file, displayName, maxLineBytes)) {
    if (cr) crlfLines.add(line);
    let text = decodeRecordText(bytes, displayName, line);
    if (text === undefined) {
      badLines.add(line);
      text = decodeUtf8Lenient(bytes);
    }
    batch.push(text, '\n');
    batchChars += text.length + 1;
    if (batchChars >= threshold) {
      pending += batch.join('');
      batch = [];
      batchChars = 0;
      const rows = take(false);
      threshold = rows.length === 0 ? threshold * 2 : BATCH_CHARS;
      yield* rows;
    }
  }
  pending += batch.join('');
  if (pending !== '') yield* take(false);
  if (pending !== '') yield* take(true);
}

/**
 * A row that spans lines does so inside quoted fields only, so the n-th LF across its fields, in order, is the end of
 * its n-th line: where that line ended in CRLF, the field gets the CR back.
 */
function withCrlf(fields: string[], startLine: number, crlfLines: ReadonlySet<number>): string[] {
  let line = startLine;
  return fields.map((field) => field.replace(/\n/g, () => (crlfLines.has(line++) ? '\r\n' : '\n')));
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}
