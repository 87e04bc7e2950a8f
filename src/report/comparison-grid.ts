import type { RunSummary } from '../benchmarks/method-summary.js';
import type { DifficultyColumns, RowScope, SummaryRow } from '../benchmarks/summary-row.js';
import type { BenchmarkProtocol } from '../protocols/protocol.js';
import { canonicalMethodSpec } from '../methods/canonical-spec.js';
import { protocolOfKind } from '../protocols/registry.js';
import { summaryRows } from './summary-rows.js';

/** A row scope, or a protocol's name for its difficulty rows (easy, normal, hard, average). */
export type GridScope = RowScope | string;

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
  /** Its name inside its method's table. */
  label: string;
  cells: (GridCell | null)[];
}

const SPLITS: readonly (keyof DifficultyColumns)[] = ['easy', 'normal', 'hard', 'average'];

/**
 * Rows of every run lined up by (method, scope, name), in order of first appearance. Methods are matched by their
 * canonical spec (`endorm:alpha=1,gamma=1` is `endorm`), which is also the name rows show; where one run holds two
 * spellings of one method, the first one's rows stand for it.
 */
export function comparisonGrid(summaries: readonly RunSummary[]): GridRow[] {
  const rows = new Map<string, GridRow>();
  const ran = summaries.map((summary) => new Set(Object.keys(summary.methods).map(canonicalMethodSpec)));
  summaries.forEach((summary, run) => {
    const protocol = protocolOfKind(summary.dataset.kind);
    const taken = new Map<string, string>();
    for (const row of summaryRows(summary)) {
      const method = canonicalMethodSpec(row.method);
      if ((taken.get(method) ?? row.method) !== row.method) continue;
      taken.set(method, row.method);
      put(rows, summaries.length, run, { method, scope: row.scope, name: row.name, label: rowLabel(protocol, row) }, cellOf(row));
      const split = protocol.report?.splitLabel;
      if (row.scope !== 'overall' || !split || !protocol.report?.rows?.(row.method, summary.methods[row.method]!, summary)) continue;
      const headline = summary.methods[row.method]!.headline;
      for (const name of SPLITS) {
        const key = { method, scope: protocol.name, name, label: split(name) };
        // The headline's interval for its own row, its parts' for theirs (RM-Bench: average; easy, normal, hard).
        const ci95 = (name === protocol.headline?.row ? headline?.ci95 : headline?.parts?.[name]?.ci95) ?? null;
        put(rows, summaries.length, run, key, { value: row[name], ci95, pairs: row.pairs, note: '' });
      }
    }
  });
  // A difficulty row that no run has a value for is one the protocol does not compute (one may give only an average).
  for (const [key, row] of rows) {
    if (scopeOrder(row.scope) === 1 && row.cells.every((cell) => cell === null || cell.value === null)) rows.delete(key);
  }
  // A run that has the method but not this row (a group or domain it lacks) has no records there; only a run without
  // the method at all is "not run".
  for (const row of rows.values()) {
    row.cells = row.cells.map((cell, run) =>
      cell ?? (ran[run]!.has(row.method) ? { value: null, ci95: null, pairs: 0, note: 'no records' } : null),
    );
  }
  const all = [...rows.values()];
  const methodOrder = new Map<string, number>();
  for (const row of all) if (!methodOrder.has(row.method)) methodOrder.set(row.method, methodOrder.size);
  const position = new Map(all.map((row, i) => [row, i]));
  return all.sort(
    (a, b) =>
      methodOrder.get(a.method)! - methodOrder.get(b.method)! ||
      scopeOrder(a.scope) - scopeOrder(b.scope) ||
      position.get(a)! - position.get(b)!,
  );
}

/** Within a method: overall, then the protocol's difficulty rows, its sections, then plain groups. */
function scopeOrder(scope: GridScope): number {
  return scope === 'overall' ? 0 : scope === 'domain' ? 2 : scope === 'group' ? 3 : 1;
}

function cellOf(row: SummaryRow): GridCell {
  return { value: row.accuracy, ci95: row.ci95, pairs: row.pairs, note: row.note };
}

function put(rows: Map<string, GridRow>, runs: number, run: number, id: Omit<GridRow, 'cells'>, cell: GridCell): void {
  const key = JSON.stringify([id.method, id.scope, id.name]);
  let row = rows.get(key);
  if (!row) rows.set(key, (row = { ...id, cells: new Array<GridCell | null>(runs).fill(null) }));
  row.cells[run] = cell;
}

function rowLabel(protocol: BenchmarkProtocol, row: SummaryRow): string {
  switch (row.scope) {
    case 'overall':
      return 'overall';
    case 'group':
      return `group ${row.name}`;
    case 'domain':
      return protocol.report?.sectionLabel?.(row.name) ?? `${protocol.label} ${row.name}`;
  }
}
