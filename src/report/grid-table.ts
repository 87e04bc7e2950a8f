import type { MethodSummary, RunSummary } from '../benchmarks/method-summary.js';
import { protocolOfKind } from '../protocols/registry.js';
import { escapeHtml, mdCell, percent, percentCi } from '../render/format.js';
import { gridMethodSpec, type MethodGrid } from '../rewards/method-grid.js';
import type { GridSelection } from '../benchmarks/grid-selection.js';

type Interval = [number, number] | null;

/** One measure laid out over the grid: values[i][j] for alphas[i], gammas[j] (0..1; null without data), with 95% CIs. */
export interface GridPanel {
  label: string;
  values: (number | null)[][];
  intervals: Interval[][];
}

export interface AccuracyGrid {
  alphas: number[];
  gammas: number[];
  /** What the first panel measures, for titles: the protocol's headline ("RM-Bench average") or "accuracy". */
  measure: string;
  panels: GridPanel[];
  /** The cell `--select-on` picked on the selection part (summary.json's `selection`); absent without it. */
  selection?: GridSelection;
}

/** At most this many per-group panels, so that a dataset with dozens of groups keeps a readable report. */
const MAX_GROUP_PANELS = 8;

/**
 * The run's α × γ sweep (settings.grid) read back from its method summaries by the cells' canonical names, each
 * value with its bootstrap interval. A protocol with a headline (RM-Bench's average): the headline, then each present
 * section's score; otherwise overall accuracy, then each group's. Null without a grid.
 */
export function accuracyGrid(summary: RunSummary): AccuracyGrid | null {
  const grid = readGrid(summary.settings['grid']);
  if (!grid) return null;
  const cell = (a: number, g: number): MethodSummary | undefined => summary.methods[gridMethodSpec(a, g)];
  const finite = (v: number | null | undefined) => (v === undefined || v === null || !Number.isFinite(v) ? null : v);
  const panel = (label: string, read: (m: MethodSummary) => number | null | undefined, ci: (m: MethodSummary) => Interval | undefined): GridPanel => ({
    label,
    values: grid.alphas.map((a) => grid.gammas.map((g) => finite(cell(a, g) ? read(cell(a, g)!) : null))),
    intervals: grid.alphas.map((a) => grid.gammas.map((g) => (cell(a, g) ? ci(cell(a, g)!) ?? null : null))),
  });
  const cells = grid.alphas.flatMap((a) => grid.gammas.map((g) => cell(a, g))).filter((m): m is MethodSummary => m !== undefined);
  if (cells.length === 0) return null;

  const panels: GridPanel[] = [];
  let measure: string;
  const protocol = protocolOfKind(summary.dataset.kind);
  const headline = protocol.headline;
  if (headline && cells.some((m) => headline.value(m) !== undefined)) {
    measure = headline.title;
    panels.push(panel(headline.title, (m) => headline.value(m), (m) => headline.ci95?.(m)));
    for (const section of protocol.sections ?? []) {
      const score = (m: MethodSummary) => protocol.sectionScore?.(m, section);
      if (!cells.some((m) => score(m) !== undefined)) continue;
      panels.push(panel(section, score, (m) => protocol.sectionCi95?.(m, section)));
    }
  } else {
    measure = 'accuracy';
    panels.push(panel('Accuracy', (m) => m.accuracy, (m) => m.ci95));
    const groups = [...new Set(cells.flatMap((m) => Object.keys(m.groups)))].sort();
    for (const group of groups.slice(0, MAX_GROUP_PANELS)) panels.push(panel(group, (m) => m.groups[group]?.accuracy, (m) => m.groups[group]?.ci95));
  }
  return { alphas: grid.alphas, gammas: grid.gammas, measure, panels, ...(summary.selection ? { selection: summary.selection } : {}) };
}

export function panelRange(panel: GridPanel): [number, number] | null {
  const values = panel.values.flat().filter((v): v is number => v !== null);
  return values.length ? [Math.min(...values), Math.max(...values)] : null;
}

/** Whether (i, j) of the first panel is the cell --select-on picked (marked; never a "best" on the records shown). */
export function isSelected(grid: AccuracyGrid, panelIndex: number, i: number, j: number): boolean {
  const chosen = grid.selection?.chosen;
  return panelIndex === 0 && chosen !== undefined && grid.alphas[i] === chosen.alpha && grid.gammas[j] === chosen.gamma;
}

/** Markdown: one α × γ table per panel, every cell with its 95% CI; the cell --select-on picked marked †. */
export function gridMarkdown(grid: AccuracyGrid): string[] {
  const out: string[] = [];
  grid.panels.forEach((panel, k) => {
    out.push(`**${mdCell(panel.label)}** (%, 95% CI)`, '');
    out.push(`| α \\ γ | ${grid.gammas.join(' | ')} |`, `|---|${grid.gammas.map(() => '--:').join('|')}|`);
    panel.values.forEach((row, i) => {
      const cells = row.map((v, j) => `${percent(v)}${panel.intervals[i]![j] ? ` (${percentCi(panel.intervals[i]![j])})` : ''}${isSelected(grid, k, i, j) ? ' †' : ''}`);
      out.push(`| ${grid.alphas[i]} | ${cells.join(' | ')} |`);
    });
    out.push('');
  });
  return out;
}

/** HTML: the same tables, side by side. */
export function gridTablesHtml(grid: AccuracyGrid): string {
  const tables = grid.panels.map((panel, k) => {
    const head = grid.gammas.map((g) => `<th class="num">${g}</th>`).join('');
    const rows = panel.values.map((row, i) => {
      const cells = row.map((v, j) => {
        const ci = panel.intervals[i]![j];
        return `<td class="num${isSelected(grid, k, i, j) ? ' acc' : ''}">${percent(v)}${isSelected(grid, k, i, j) ? ' †' : ''}${ci ? `<br><span class="ci">${percentCi(ci)}</span>` : ''}</td>`;
      });
      return `<tr><th>${grid.alphas[i]}</th>${cells.join('')}</tr>`;
    });
    return `<div class="grid-table"><h3>${escapeHtml(panel.label)}</h3><table><thead><tr><th>α \\ γ</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  });
  return `<div class="grid-tables">${tables.join('\n')}</div>`;
}

export function readGrid(value: unknown): MethodGrid | null {
  if (typeof value !== 'object' || value === null) return null;
  const { alphas, gammas } = value as Record<string, unknown>;
  const numbers = (x: unknown): x is number[] => Array.isArray(x) && x.length > 0 && x.every((v) => typeof v === 'number' && Number.isFinite(v));
  return numbers(alphas) && numbers(gammas) ? { alphas, gammas } : null;
}
