import { parquetWriteBuffer } from 'hyparquet-writer';

type Cell = string | number | bigint | null;

/**
 * Rows as a Parquet file, as the Hub's `datasets` writes them: a column per key of the first row, typed by its first
 * non-null value (text STRING, bigint INT64, number DOUBLE), Snappy-compressed, `rowGroupSize` rows per row group.
 */
export function parquetRows(rows: readonly Record<string, Cell>[], rowGroupSize = 5): Buffer {
  const names = Object.keys(rows[0] ?? {});
  const columnData = names.map((name) => {
    const data = rows.map((row) => row[name] ?? null);
    const sample = data.find((v) => v !== null);
    const type = typeof sample === 'bigint' ? 'INT64' : typeof sample === 'number' ? 'DOUBLE' : 'STRING';
    return { name, data, type } as const;
  });
  return Buffer.from(parquetWriteBuffer({ columnData, rowGroupSize }));
}
