import type { MethodSummary, RunSummary } from '../benchmarks/method-summary.js';
import { protocolOfKind } from '../protocols/registry.js';
import { escapeHtml, mdCell, percent } from '../render/format.js';
import { gridMethodSpec, type MethodGrid } from '../rewards/method-grid.js';

/** One accuracy measure laid out over the grid: values[i][j] for alphas[i], gammas[j] (0..1; null without data). */
export interface GridPanel {
  label: string;
  values: (number | null)[][];
}

export interface AccuracyGrid {
  alphas: number[];
  gammas: number[];
  /** What the first panel measures, for titles: the protocol's headline ("RM-Bench average") or "accuracy". */
  measure: string;
  panels: GridPanel[];
}

export interface GridCell {
  alpha: number;
  gamma: number;
  value: number;
}

/** At most this many per-group panels, so that a dataset with dozens of groups keeps a readable report. */
const MAX_GROUP_PANELS = 8;

/**
 * The run's α × γ sweep (settings.grid) read back from its method summaries by the cells' canonical names. A protocol
 * with a headline (RM-Bench's average): the headline, then each present section's score; otherwise overall accuracy,
 * then each group's. Null without a grid.
 */
export function accuracyGrid(summary: RunSummary): AccuracyGrid | null {
  const grid = readGrid(summary.settings['grid']);
  if (!grid) return null;
  const cell = (a: number, g: number): MethodSummary | undefined => summary.methods[gridMethodSpec(a, g)];
  const layout = (read: (m: MethodSummary) => number | null | undefined): (number | null)[][] =>
    grid.alphas.map((a) => grid.gammas.map((g) => {
      const m = cell(a, g);
      const v = m ? read(m) : null;
      return v === undefined || v === null || !Number.isFinite(v) ? null : v;
    }));
  const cells = grid.alphas.flatMap((a) => grid.gammas.map((g) => cell(a, g))).filter((m): m is MethodSummary => m !== undefined);
  if (cells.length === 0) return null;

  const panels: GridPanel[] = [];
  let measure: string;
  const protocol = protocolOfKind(summary.dataset.kind);
  const headline = protocol.headline;
  if (headline && cells.some((m) => headline.value(m) !== undefined)) {
    measure = headline.title;
    panels.push({ label: headline.title, values: layout((m) => headline.value(m)) });
    for (const section of protocol.sections ?? []) {
      const score = (m: MethodSummary) => protocol.sectionScore?.(m, section);
      if (!cells.some((m) => score(m) !== undefined)) continue;
      panels.push({ label: section, values: layout(score) });
    }
  } else {
    measure = 'accuracy';
    panels.push({ label: 'Accuracy', values: layout((m) => m.accuracy) });
    const groups = [...new Set(cells.flatMap((m) => Object.keys(m.groups)))].sort();
    for (const group of groups.slice(0, MAX_GROUP_PANELS)) panels.push({ label: group, values: layout((m) => m.groups[group]?.accuracy) });
  }
  return { alphas: grid.alphas, gammas: grid.gammas, measure, panels };
}

/** The best cell of a panel; ties go to the first in row order (smaller α, then smaller γ). */
export function bestCell(grid: AccuracyGrid, panel: GridPanel): GridCell | null {
  let best: GridCell | null = null;
  panel.values.forEach((row, i) =>
    row.forEach((value, j) => {
      if (value !== null && (best === null || value > best.value)) best = { alpha: grid.alphas[i]!, gamma: grid.gammas[j]!, value };
    }),
  );
  return best;
}

export function panelRange(panel: GridPanel): [number, number] | null {
  const values = panel.values.flat().filter((v): v is number => v !== null);
  return values.length ? [Math.min(...values), Math.max(...values)] : null;
}

/** Markdown: one α × γ table per panel, best cell in bold. */
export function gridMarkdown(grid: AccuracyGrid): string[] {
  const out: string[] = [];
  for (const panel of grid.panels) {
    const best = bestCell(grid, panel);
    out.push(`**${mdCell(panel.label)}** (% correct${best ? `; best α = ${best.alpha}, γ = ${best.gamma}: ${percent(best.value)}` : ''})`, '');
    out.push(`| α \\ γ | ${grid.gammas.join(' | ')} |`, `|---|${grid.gammas.map(() => '--:').join('|')}|`);
    panel.values.forEach((row, i) => {
      const cells = row.map((v, j) => {
        const text = percent(v);
        return best && v === best.value && grid.alphas[i] === best.alpha && grid.gammas[j] === best.gamma ? `**${text}**` : text;
      });
      out.push(`| ${grid.alphas[i]} | ${cells.join(' | ')} |`);
    });
    out.push('');
  }
  return out;
}

/** HTML: the same tables, side by side. */
export function gridTablesHtml(grid: AccuracyGrid): string {
  const tables = grid.panels.map((panel) => {
    const best = bestCell(grid, panel);
    const head = grid.gammas.map((g) => `<th class="num">${g}</th>`).join('');
    const rows = panel.values.map((row, i) => {
      const cells = row.map((v, j) => {
        const isBest = best !== null && grid.alphas[i] === best.alpha && grid.gammas[j] === best.gamma;
        return `<td class="num${isBest ? ' acc' : ''}">${percent(v)}</td>`;
      });
      return `<tr><th>${grid.alphas[i]}</th>${cells.join('')}</tr>`;
    });
    return `<div class="grid-table"><h3>${escapeHtml(panel.label)}</h3><table><thead><tr><th>α \\ γ</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  });
  return `<div class="grid-tables">${tables.join('\n')}</div>`;
}

function readGrid(value: unknown): MethodGrid | null {
  if (typeof value !== 'object' || value === null) return null;
  const { alphas, gammas } = value as Record<string, unknown>;
  const numbers = (x: unknown): x is number[] => Array.isArray(x) && x.length > 0 && x.every((v) => typeof v === 'number' && Number.isFinite(v));
  return numbers(alphas) && numbers(gammas) ? { alphas, gammas } : null;
}
