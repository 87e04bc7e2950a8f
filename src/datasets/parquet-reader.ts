import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { fileError, InputError } from './input-error.js';
import type { RecordItem } from './raw-record.js';

/**
 * The rows of a Parquet file as records, one row group at a time: memory holds the footer and one row group, never
 * the whole file. Rows are located by their 1-based number in the file ("record 17"). A file that cannot be decoded
 * stops the read (rows already yielded stay valid), as a broken JSON array does: no later row can be trusted.
 * Codecs: uncompressed, Snappy (what the Hub's `datasets` writes), and through hyparquet-compressors GZIP, Brotli, ZSTD,
 * LZ4 and LZ4_RAW (what pyarrow and Spark can be asked to write); LZO is refused by name.
 */
export async function* readParquetRecords(file: string, displayName: string = file): AsyncGenerator<RecordItem> {
  let buffer: AsyncBuffer;
  try {
    buffer = await asyncBufferFromFile(file);
  } catch (error) {
    throw fileError(displayName, error);
  }
  yield* readParquetRowGroups(buffer, displayName);
}

/** The reader over any byte source; separate so that a test can watch which bytes are read when. */
export async function* readParquetRowGroups(buffer: AsyncBuffer, displayName: string): AsyncGenerator<RecordItem> {
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw decodeError(displayName, error, `not a readable Parquet file (${reasonOf(error)})`);
  }
  let rowStart = 0;
  for (const [index, group] of metadata.row_groups.entries()) {
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd, compressors });
    } catch (error) {
      const where = `rows ${rowStart + 1}-${rowEnd} (row group ${index + 1} of ${metadata.row_groups.length})`;
      throw decodeError(displayName, error, `cannot decode ${where}: ${reasonOf(error)}`, rowStart + 1);
    }
    for (let i = 0; i < rows.length; i++) {
      yield { value: jsonLike(rows[i]), location: { file: displayName, line: rowStart + i + 1, unit: 'record' } };
    }
    rowStart = rowEnd;
  }
}

function decodeError(file: string, error: unknown, reason: string, row?: number): unknown {
  const asFileError = fileError(file, error);
  if (asFileError !== error) return asFileError;
  return new InputError({ code: 'unreadable', file, reason, ...(row === undefined ? {} : { line: row, unit: 'record' as const }), cause: error });
}

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/^parquet /, '');
}

/**
 * A row as the same row read from JSON would be, so that field mapping treats both alike: hyparquet gives INT64 as
 * bigint (a number here when it is exact, else its decimal text) and timestamps as Dates (ISO text here).
 */
function jsonLike(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(jsonLike);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, jsonLike(field)]));
  }
  return value;
}
