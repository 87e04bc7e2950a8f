import type { RunSummary } from '../benchmarks/method-summary.js';
import { summaryRows, type RowScope, type SummaryRow } from './summary-rows.js';

export type GridScope = RowScope | 'rm-bench';

export interface GridCell {
  value: number | null;
  ci95: [number, number] | null;
  pairs: number | null;
  /** Why there is no value ('missing from this dataset', 'no complete record'); '' otherwise. */
  note: string;
}

/** One (method, scope, name) across runs; a null cell means that run has no such row (e.g. the method was not run). */
export interface GridRow {
  method: string;
  scope: GridScope;
  name: string;
  cells: (GridCell | null)[];
}

const SPLITS = ['easy', 'normal', 'hard', 'average'] as const;

/** Rows of every run lined up by (method, scope, name), in order of first appearance. */
export function comparisonGrid(summaries: readonly RunSummary[]): GridRow[] {
  const rows = new Map<string, GridRow>();
  summaries.forEach((summary, run) => {
    for (const row of summaryRows(summary)) {
      put(rows, summaries.length, run, row.method, row.scope, row.name, cellOf(row));
      if (row.scope !== 'overall' || !summary.methods[row.method]?.rmBench) continue;
      for (const split of SPLITS) {
        put(rows, summaries.length, run, row.method, 'rm-bench', split, { value: row[split], ci95: null, pairs: row.pairs, note: '' });
      }
    }
  });
  // A run that has the method but not this row (a group or domain it lacks) has no records there; only a run without
  // the method at all is "not run".
  for (const row of rows.values()) {
    row.cells = row.cells.map((cell, run) =>
      cell ?? (summaries[run]!.methods[row.method] ? { value: null, ci95: null, pairs: 0, note: 'no records' } : null),
    );
  }
  const all = [...rows.values()];
  const methodOrder = new Map<string, number>();
  for (const row of all) if (!methodOrder.has(row.method)) methodOrder.set(row.method, methodOrder.size);
  const position = new Map(all.map((row, i) => [row, i]));
  return all.sort(
    (a, b) =>
      methodOrder.get(a.method)! - methodOrder.get(b.method)! ||
      SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope] ||
      position.get(a)! - position.get(b)!,
  );
}

/** Within a method: overall, then the RM-Bench headline numbers, its domains, then plain groups. */
const SCOPE_ORDER: Record<GridScope, number> = { overall: 0, 'rm-bench': 1, domain: 2, group: 3 };

function cellOf(row: SummaryRow): GridCell {
  return { value: row.accuracy, ci95: row.ci95, pairs: row.pairs, note: row.note };
}

function put(rows: Map<string, GridRow>, runs: number, run: number, method: string, scope: GridScope, name: string, cell: GridCell): void {
  const key = JSON.stringify([method, scope, name]);
  let row = rows.get(key);
  if (!row) rows.set(key, (row = { method, scope, name, cells: new Array<GridCell | null>(runs).fill(null) }));
  row.cells[run] = cell;
}

/** Display name of a grid row inside its method's table. */
export function gridRowLabel(row: GridRow): string {
  switch (row.scope) {
    case 'overall':
      return 'overall';
    case 'group':
      return `group ${row.name}`;
    case 'domain':
      return `RM-Bench ${row.name}`;
    case 'rm-bench':
      return `RM-Bench ${row.name === 'average' ? 'Avg' : row.name}`;
  }
}
