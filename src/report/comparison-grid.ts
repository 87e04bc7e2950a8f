import type { RunSummary } from '../benchmarks/method-summary.js';
import type { DifficultyColumns, RowScope, SummaryRow } from '../benchmarks/summary-row.js';
import type { BenchmarkProtocol } from '../protocols/protocol.js';
import { canonicalMethodSpec } from '../methods/canonical-spec.js';
import { hasOwnHeadline } from '../protocols/headline.js';
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
        // The split the headline is (RM-Bench: average) is already the method's first row, the headline's.
        if (name === protocol.headline?.row && summary.methods[row.method]!.headline) continue;
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

/** Within a method: the headline, pooled accuracy, then the protocol's difficulty rows, its sections, then plain groups. */
function scopeOrder(scope: GridScope): number {
  return scope === 'headline' ? -1 : scope === 'overall' ? 0 : scope === 'domain' ? 2 : scope === 'group' ? 3 : 1;
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
    case 'headline':
      return row.name;
    case 'overall':
      return hasOwnHeadline(protocol) ? 'pooled accuracy' : 'accuracy';
    case 'group':
      return `group ${row.name}`;
    case 'domain':
      return protocol.report?.sectionLabel?.(row.name) ?? `${protocol.label} ${row.name}`;
  }
}

/**
 * The comparison's first table and chart: each method's headline row (its protocol's own headline, else its accuracy),
 * with their title (`RM-Bench average`; `Headline` when the runs' protocols differ; `Accuracy` for plain pairs).
 */
export function headlineRows(grid: readonly GridRow[]): { title: string; rows: GridRow[] } {
  const withHeadline = new Set(grid.filter((r) => r.scope === 'headline').map((r) => r.method));
  const rows = grid.filter((r) => r.scope === 'headline' || (r.scope === 'overall' && !withHeadline.has(r.method)));
  const titles = [...new Set(rows.map((r) => (r.scope === 'headline' ? r.name : 'Accuracy')))];
  const title = titles.length === 1 ? titles[0]! : 'Headline';
  return { title: title.charAt(0).toUpperCase() + title.slice(1), rows };
}
