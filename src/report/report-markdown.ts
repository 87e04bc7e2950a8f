import type { RunSummary } from '../benchmarks/method-summary.js';
import { referenceMethod } from '../methods/reference-method.js';
import { readGrid } from './grid-table.js';
import { protocolOfKind } from '../protocols/registry.js';
import { compact, DASH, duration, integer, mdCell, mdCode, mdInlineCode, mdText, percent, percentCi, pValue, shortHash } from '../render/format.js';
import { gridSection } from './grid-report.js';
import { accuracyLabel, headlineMarkdown } from './headline-report.js';
import { judgeMarkdown } from './judge-report.js';
import { provenanceMarkdown } from './provenance-report.js';
import { endormText } from './provenance-text.js';
import { modelName } from './run-labels.js';
import { settingsText } from './settings-text.js';

/**
 * report.md in reading order: the protocol's headline, methods side by side, per group, the protocol's sections,
 * judges, the grid, notes; then the run card and provenance, which a reader needs for citing and reproducing rather
 * than for the numbers.
 */
export function renderRunMarkdown(summary: RunSummary): string {
  const out: string[] = [];
  const { model, dataset } = summary;
  out.push(`# endorm report: ${reportTitle(summary)}`, '');
  out.push(`${mdInlineCode(model.spec)} on ${mdText(dataset.name)} (${dataset.kind}): ${integer(summary.counts.pairs)} records, ${Object.keys(summary.methods).length} methods. The run card and provenance are at the end.`, '');

  out.push(...headlineMarkdown(summary));
  out.push(...methodsSection(summary));
  out.push(...groupSection(summary));
  out.push(...(protocolOfKind(summary.dataset.kind).report?.markdown?.(summary) ?? []));
  out.push(...judgeMarkdown(summary));
  out.push(...gridSection(summary));
  if (summary.notes.length > 0) {
    out.push('## Notes', '');
    for (const note of summary.notes) out.push(`- ${mdText(note)}`);
    out.push('');
  }
  out.push('## Run', '');
  out.push(`- **Model:** ${mdInlineCode(model.spec)} (${model.modelType}, ${model.dtype}, ${mdInlineCode(model.onnxFile)})`);
  out.push(`- **Dataset:** ${mdText(dataset.name)} (${mdInlineCode(dataset.spec)}, kind ${dataset.kind}, sha256 \`${shortHash(dataset.sha256)}\`)`);
  out.push(`- **Settings:** ${settingsText(summary.settings)}`);
  out.push(`- **endorm:** ${endormText(summary.endorm)}`);
  out.push(`- **Run:** ${runTimeText(summary)}`);
  out.push(`- **Counts:** ${countsText(summary)}`, '');
  out.push(...provenanceMarkdown(summary));
  return out.join('\n');
}

/** What a report is about, in a few words: the model's name (not its path) on the dataset (`stories260K on rm-bench-chat`). */
export function reportTitle(summary: RunSummary): string {
  return `${modelName(summary.model.spec)} on ${summary.dataset.name}`;
}

export function runTimeText(summary: RunSummary): string {
  const t = summary.timing;
  const parts = [`created ${summary.createdAt}`];
  if (t.startedAt) parts.push(`started ${t.startedAt}`);
  if (t.finishedAt) parts.push(`finished ${t.finishedAt}`);
  if (t.seconds !== null) parts.push(`took ${duration(t.seconds)}`);
  if (t.tokensPerSecond !== undefined) parts.push(`${compact(t.tokensPerSecond)} tokens/s through the model`);
  return parts.join(', ');
}

/**
 * The run's counts, worded so that they cannot be taken for the scorer's: truncated counts score lines (a response
 * line once, however many of its methods' inputs were cut), tokens the scored response tokens (no prompts). The
 * console prints this same text after a run.
 */
export function countsText(summary: RunSummary): string {
  const c = summary.counts;
  return [
    `${integer(c.pairs)} records`,
    `${integer(c.responses)} responses`,
    `${integer(c.truncated)} score lines cut to --max-length`,
    `${integer(c.skipped)} skipped`,
    `${compact(c.tokens)} scored response tokens`,
  ].join(', ');
}

function methodsSection(summary: RunSummary): string[] {
  const methods = Object.entries(summary.methods);
  const reference = referenceMethod(Object.keys(summary.methods), summary.settings.reference, { grid: readGrid(summary.settings['grid']) !== null });
  const out = ['## Methods', ''];
  if (methods.length === 0) return [...out, 'No methods.', ''];
  const pHeader = reference ? `McNemar p vs ${mdCode(reference)}` : 'McNemar p';
  out.push(`| Method | ${accuracyLabel(summary)} % | 95% CI | Pairs | Comparisons | Ties | b / c | ${pHeader} |`);
  out.push('|---|--:|--:|--:|--:|--:|--:|--:|');
  for (const [spec, m] of methods) {
    const vs = m.vsReference;
    const pCell = spec === reference ? 'reference' : vs ? pValue(vs.pValue) : DASH;
    out.push(
      `| ${mdCode(spec)} | ${percent(m.accuracy)} | ${percentCi(m.ci95)} | ${integer(m.pairs)} | ${integer(m.comparisons)} | ${integer(m.ties)} | ${vs ? `${vs.b} / ${vs.c}` : DASH} | ${pCell} |`,
    );
  }
  out.push('');
  out.push('Accuracy is the share of chosen-vs-rejected comparisons a method gets right (a tie counts as wrong); the 95% CI is a percentile bootstrap over records (1000 resamples, fixed seed).');
  if (reference) {
    out.push(`McNemar: exact two-sided test on the comparisons both methods judged; b = ${mdInlineCode(reference)} right and the method wrong, c = the reverse.`);
  }
  out.push('');
  return out;
}

function groupSection(summary: RunSummary): string[] {
  const methods = Object.entries(summary.methods);
  const groups = [...new Set(methods.flatMap(([, m]) => Object.keys(m.groups)))].sort();
  if (groups.length === 0) return [];
  const out = ['## Accuracy by group', '', 'Accuracy % (95% CI); n = records counted.', ''];
  out.push(`| Group | n | ${methods.map(([spec]) => `${mdCode(spec)}`).join(' | ')} |`);
  out.push(`|---|--:|${methods.map(() => '--:').join('|')}|`);
  for (const group of groups) {
    const counts = methods.map(([, m]) => m.groups[group]?.pairs ?? 0);
    const n = Math.max(...counts);
    const cells = methods.map(([, m]) => {
      const g = m.groups[group];
      if (!g || g.accuracy === null) return DASH;
      const differs = g.pairs !== n ? `, n=${g.pairs}` : '';
      return `${percent(g.accuracy)} (${percentCi(g.ci95)}${differs})`;
    });
    out.push(`| ${mdCell(group)} | ${integer(n)} | ${cells.join(' | ')} |`);
  }
  out.push('');
  return out;
}
