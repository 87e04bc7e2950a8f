import { RM_BENCH_DOMAINS } from '../benchmarks/rm-bench.js';
import { referenceMethod } from '../methods/reference-method.js';
import { DASH, compact, duration, integer, mdCell, pValue, percent, percentCi, shortHash } from './format.js';
import type { RunSummary } from '../benchmarks/method-summary.js';
import { settingsText } from './settings-text.js';
import { judgeMarkdown } from './judge-report.js';
import { missingDomainCell, missingDomainNote } from './summary-rows.js';
import { gridSection } from './grid-report.js';

/** report.md: the run at a glance, then methods side by side, per group, RM-Bench, notes. */
export function renderRunMarkdown(summary: RunSummary): string {
  const out: string[] = [];
  const { model, dataset } = summary;
  out.push(`# endorm report: ${model.spec}`, '');
  out.push(`- **Model:** \`${model.spec}\` (${model.modelType}, ${model.dtype}, \`${model.onnxFile}\`)`);
  out.push(`- **Dataset:** ${dataset.name} (\`${dataset.spec}\`, kind ${dataset.kind}, sha256 \`${shortHash(dataset.sha256)}\`)`);
  out.push(`- **Settings:** ${settingsText(summary.settings)}`);
  out.push(`- **endorm:** ${summary.endorm.version}`);
  out.push(`- **Run:** ${runTimeText(summary)}`);
  out.push(`- **Counts:** ${countsText(summary)}`, '');

  out.push(...gridSection(summary));
  out.push(...methodsSection(summary));
  out.push(...judgeMarkdown(summary));
  out.push(...groupSection(summary));
  out.push(...rmBenchSection(summary));
  if (summary.notes.length > 0) {
    out.push('## Notes', '');
    for (const note of summary.notes) out.push(`- ${note}`);
    out.push('');
  }
  return out.join('\n');
}

export function runTimeText(summary: RunSummary): string {
  const t = summary.timing;
  const parts = [`created ${summary.createdAt}`];
  if (t.startedAt) parts.push(`started ${t.startedAt}`);
  if (t.finishedAt) parts.push(`finished ${t.finishedAt}`);
  if (t.seconds !== null) parts.push(`took ${duration(t.seconds)}`);
  if (t.tokensPerSecond !== undefined) parts.push(`${compact(t.tokensPerSecond)} tokens/s`);
  return parts.join(', ');
}

export function countsText(summary: RunSummary): string {
  const c = summary.counts;
  return [
    `${integer(c.pairs)} records`,
    `${integer(c.responses)} responses`,
    `${integer(c.truncated)} truncated`,
    `${integer(c.skipped)} skipped`,
    `${compact(c.tokens)} tokens`,
  ].join(', ');
}

function methodsSection(summary: RunSummary): string[] {
  const methods = Object.entries(summary.methods);
  const reference = referenceMethod(Object.keys(summary.methods), summary.settings.reference);
  const out = ['## Methods', ''];
  if (methods.length === 0) return [...out, 'No methods.', ''];
  const pHeader = reference ? `McNemar p vs \`${mdCell(reference)}\`` : 'McNemar p';
  out.push(`| Method | Accuracy % | 95% CI | Pairs | Comparisons | Ties | b / c | ${pHeader} |`);
  out.push('|---|--:|--:|--:|--:|--:|--:|--:|');
  for (const [spec, m] of methods) {
    const vs = m.vsReference;
    const pCell = spec === reference ? 'reference' : vs ? pValue(vs.pValue) : DASH;
    out.push(
      `| \`${mdCell(spec)}\` | ${percent(m.accuracy)} | ${percentCi(m.ci95)} | ${integer(m.pairs)} | ${integer(m.comparisons)} | ${integer(m.ties)} | ${vs ? `${vs.b} / ${vs.c}` : DASH} | ${pCell} |`,
    );
  }
  out.push('');
  out.push('Accuracy is the share of chosen-vs-rejected comparisons a method gets right (a tie counts as wrong); the 95% CI is a percentile bootstrap over records (1000 resamples, fixed seed).');
  if (reference) {
    out.push(`McNemar: exact two-sided test on the comparisons both methods judged; b = \`${mdCell(reference)}\` right and the method wrong, c = the reverse.`);
  }
  out.push('');
  return out;
}

function groupSection(summary: RunSummary): string[] {
  const methods = Object.entries(summary.methods);
  const groups = [...new Set(methods.flatMap(([, m]) => Object.keys(m.groups)))].sort();
  if (groups.length === 0) return [];
  const out = ['## Accuracy by group', '', 'Accuracy % (95% CI); n = records counted.', ''];
  out.push(`| Group | n | ${methods.map(([spec]) => `\`${mdCell(spec)}\``).join(' | ')} |`);
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

function rmBenchSection(summary: RunSummary): string[] {
  const methods = Object.entries(summary.methods).filter(([, m]) => m.rmBench);
  if (methods.length === 0) return [];
  const out = ['## RM-Bench', ''];
  out.push(
    'Per domain, A[i][j] is the share of records whose chosen response in style i beats the rejected one in style j (concise, detailed, markdown; ties wrong). Hard = mean above the diagonal (chosen plainer than rejected), normal = the diagonal, easy = below. Overall easy/normal/hard average the present domains; Avg = mean(easy, normal, hard).',
    '',
  );
  out.push(`| Method | ${RM_BENCH_DOMAINS.join(' | ')} | Easy | Normal | Hard | Avg |`);
  out.push(`|---|${RM_BENCH_DOMAINS.map(() => '--:').join('|')}|--:|--:|--:|--:|`);
  for (const [spec, m] of methods) {
    const rm = m.rmBench!;
    const domains = RM_BENCH_DOMAINS.map((d) => (rm.domains[d] ? percent(rm.domains[d]!.average) : missingDomainCell(summary, d)));
    out.push(
      `| \`${mdCell(spec)}\` | ${domains.join(' | ')} | ${percent(rm.easy)} | ${percent(rm.normal)} | ${percent(rm.hard)} | **${percent(rm.average)}** |`,
    );
  }
  out.push('');
  const missing = [...new Set(methods.flatMap(([, m]) => m.rmBench!.missingDomains))];
  if (missing.length > 0) {
    out.push(`**Missing domains:** ${missing.map((d) => `${d}: ${missingDomainNote(summary, d)}`).join('; ')}. The overall columns average the present domains only.`, '');
  }
  for (const [spec, m] of methods) {
    const rm = m.rmBench!;
    out.push(`### \`${mdCell(spec)}\``, '');
    out.push('| Domain | Records | Easy | Normal | Hard | Avg |', '|---|--:|--:|--:|--:|--:|');
    for (const domain of RM_BENCH_DOMAINS) {
      const d = rm.domains[domain];
      if (!d) out.push(`| ${domain} | 0 | ${missingDomainNote(summary, domain)} | | | |`);
      else out.push(`| ${domain} | ${integer(d.records)} | ${percent(d.easy)} | ${percent(d.normal)} | ${percent(d.hard)} | ${percent(d.average)} |`);
    }
    const records = Object.values(rm.domains).reduce((sum, d) => sum + d.records, 0);
    out.push(`| **Overall** | ${integer(records)} | ${percent(rm.easy)} | ${percent(rm.normal)} | ${percent(rm.hard)} | **${percent(rm.average)}** |`);
    if (rm.pooled) {
      out.push('', `Pooled over all records (upstream \`compute_accuracy\` on the whole file): easy ${percent(rm.pooled.easy)}, normal ${percent(rm.pooled.normal)}, hard ${percent(rm.pooled.hard)}.`);
    }
    out.push('');
  }
  return out;
}
