import { DASH, duration, integer, mdCell, mdCode, mdText, percent, percentCi, pValue, shortHash } from '../render/format.js';
import { comparisonGrid, headlineRows, type GridCell } from './comparison-grid.js';
import { BETWEEN_RUNS_EXPLANATION, comparisonTitle, type Comparison } from './comparison-input.js';
import { provenanceDiffMarkdown } from './provenance-report.js';
import { settingsText } from './settings-text.js';

/** comparison.md: runs as columns, one table per method with every scope as a row, then the paired tests between runs. */
export function renderComparisonMarkdown({ summaries, labels, tests, notes: comparisonNotes }: Comparison): string {
  const out = [`# endorm comparison: ${comparisonTitle(summaries)}`, '', `${summaries.length} runs.`, ''];
  out.push('| Run | Model | Dataset | Settings | Records | endorm | Time |', '|---|---|---|---|--:|---|--:|');
  summaries.forEach((s, i) => {
    out.push(
      `| **${mdCell(labels[i]!)}** | ${mdCode(s.model.spec)} (${mdCell(s.model.dtype)}) | ${mdCell(s.dataset.name)} (sha256 \`${shortHash(s.dataset.sha256)}\`) | ${mdCell(settingsText(s.settings))} | ${integer(s.counts.pairs)} | ${mdCell(s.endorm.version)} | ${duration(s.timing.seconds)} |`,
    );
  });
  out.push('');
  out.push(...provenanceDiffMarkdown(summaries, labels));

  const grid = comparisonGrid(summaries);
  const header = `| | ${labels.map((l) => mdCell(l)).join(' | ')} |`;
  const rule = `|---|${labels.map(() => '--:').join('|')}|`;

  // The first table is each method's headline (RM-Bench: its average), the number its benchmark reports.
  const headline = headlineRows(grid);
  out.push(`## ${mdText(headline.title)}`, '', `${mdText(headline.title)} % (95% CI).`, '', header.replace('| |', '| Method |'), rule);
  for (const row of headline.rows) {
    out.push(`| ${mdCode(row.method)} | ${row.cells.map(cellText).join(' | ')} |`);
  }
  out.push('');

  const methods = [...new Set(grid.map((r) => r.method))];
  for (const method of methods) {
    out.push(`## ${mdCode(method)}`, '', header, rule);
    for (const row of grid.filter((r) => r.method === method)) {
      out.push(`| ${mdCell(row.label)} | ${row.cells.map(cellText).join(' | ')} |`);
    }
    out.push('');
  }

  if (tests.length > 0) {
    out.push('## Between runs', '', BETWEEN_RUNS_EXPLANATION, '', `First run: **${mdCell(labels[0]!)}**.`, '');
    const h = tests.find((t) => t.headline)?.headline?.title;
    const hHead = h ? ` First run ${mdCell(h)} % | Run ${mdCell(h)} % |` : '';
    out.push(`| Method | Run | Records | Comparisons |${hHead} First run % | Run % | b / c | McNemar p |`, `|---|---|--:|--:|${h ? '--:|--:|' : ''}--:|--:|--:|--:|`);
    for (const t of tests) {
      const hCells = h ? ` ${percent(t.headline?.baseline)} | ${percent(t.headline?.run)} |` : '';
      out.push(
        `| ${mdCode(t.method)} | ${mdCell(labels[t.run]!)} | ${integer(t.records)} | ${integer(t.comparisons)} |${hCells} ${percent(t.baselineAccuracy)} | ${percent(t.runAccuracy)} | ${t.b} / ${t.c} | ${pValue(t.pValue)} |`,
      );
    }
    out.push('');
  }

  // A run's notes may quote its records (mdText); the comparison's own notes are endorm's, with method specs as code.
  const notes = [...comparisonNotes.map((n) => `- ${n}`), ...summaries.flatMap((s, i) => s.notes.map((n) => `- **${mdCell(labels[i]!)}:** ${mdText(n)}`))];
  if (notes.length > 0) out.push('## Notes', '', ...notes, '');
  return out.join('\n');
}

function cellText(cell: GridCell | null): string {
  if (!cell) return 'not run';
  if (cell.value === null) return cell.note || DASH;
  return cell.ci95 ? `${percent(cell.value)} (${percentCi(cell.ci95)})` : percent(cell.value);
}
