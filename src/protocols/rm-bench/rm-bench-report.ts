import type { MethodSummary, RunSummary } from '../../benchmarks/method-summary.js';
import type { DifficultyColumns, SummaryRow } from '../../benchmarks/summary-row.js';
import { escapeHtml, integer, mdCode, percent, percentCi } from '../../render/format.js';
import { card, legend } from '../../render/html-page.js';
import { seriesColor } from '../../render/palette.js';
import { barChartSvg, type BarCategory } from '../../render/svg-bar-chart.js';
import { heatmapSvg, missingHeatmapSvg } from '../../render/svg-heatmap.js';
import type { RunManifest } from '../../run-store/run-manifest.js';
import { RM_BENCH_DOMAINS, RM_BENCH_STYLES } from './rm-bench-domains.js';
import { rmBenchOf } from './rm-bench-summary.js';

/**
 * run.json's `dataset.domains` (the protocol's fact): records per domain in the whole dataset, before --limit and
 * --shard, so that a report can tell a domain the dataset lacks (math, in the shared files) from one this run did not
 * reach. Runs written before it was recorded have none.
 */
function datasetDomains(manifest: Pick<RunManifest, 'dataset'>): Record<string, number> {
  const domains = manifest.dataset['domains'];
  return typeof domains === 'object' && domains !== null ? (domains as Record<string, number>) : {};
}

export const MISSING_DOMAIN = 'missing from this dataset';

/**
 * Why a run has no score for an RM-Bench domain: the dataset lacks it, or the dataset has it but --limit or --shard
 * (or an interrupted run) left it out. Runs written before run.json counted domains say the former.
 */
export function missingDomainNote(
  manifest: Pick<RunManifest, 'dataset' | 'settings'>,
  domain: string,
  { brief = false }: { brief?: boolean } = {},
): string {
  const records = datasetDomains(manifest)[domain] ?? 0;
  if (records === 0) return MISSING_DOMAIN;
  if (brief) return 'not scored in this run';
  const { limit, sample, shard } = manifest.settings;
  const why = [
    ...(limit !== undefined ? [`--limit ${limit}`] : []),
    ...(sample !== undefined ? [`--sample ${sample}`] : []),
    ...(shard !== undefined ? [`--shard ${shard.index}/${shard.count}`] : []),
  ];
  return `not scored in this run (${records} records in the dataset${why.length > 0 ? `; ${why.join(', ')}` : ''})`;
}

/** The short form for a table cell. */
export function missingDomainCell(manifest: Pick<RunManifest, 'dataset'>, domain: string): string {
  return (datasetDomains(manifest)[domain] ?? 0) === 0 ? 'missing' : 'not scored';
}

/** The run's notes about RM-Bench: domains without a score (and why), records outside every domain. */
export function rmBenchNotes(methods: Readonly<Record<string, MethodSummary>>, manifest: RunManifest): string[] {
  const notes: string[] = [];
  const missing = new Map<string, string[]>();
  for (const [spec, method] of Object.entries(methods)) {
    const rm = rmBenchOf(method);
    if (!rm || method.pairs === 0 || rm.missingDomains.length === 0) continue;
    const key = rm.missingDomains.join(', ');
    missing.set(key, [...(missing.get(key) ?? []), spec]);
  }
  const counted = Object.values(methods).filter((m) => rmBenchOf(m) && m.pairs > 0).length;
  for (const [domains, specs] of missing) {
    const who = specs.length === counted ? 'RM-Bench' : `RM-Bench (${specs.join(', ')})`;
    notes.push(`${who}: ${domains.split(', ').map((d) => `${d}: ${missingDomainNote(manifest, d)}`).join('; ')}. Overall scores average the present domains only.`);
  }
  for (const [spec, method] of Object.entries(methods)) {
    const unassigned = rmBenchOf(method)?.unassignedRecords ?? 0;
    if (unassigned > 0) notes.push(`${spec}: ${unassigned} record(s) have no RM-Bench domain group and are left out of the RM-Bench scores.`);
  }
  return notes;
}

/** report.md's RM-Bench section: domain scores per method, then each method's per-domain table. */
export function rmBenchSection(summary: RunSummary): string[] {
  const methods = Object.entries(summary.methods).filter(([, m]) => rmBenchOf(m));
  if (methods.length === 0) return [];
  const out = ['## RM-Bench', ''];
  out.push(
    'Per domain, A[i][j] is the share of records whose chosen response in style i beats the rejected one in style j (concise, detailed, markdown; ties wrong). Hard = mean above the diagonal (chosen plainer than rejected), normal = the diagonal, easy = below. Overall easy/normal/hard average the present domains; Avg = mean(easy, normal, hard), with its 95% bootstrap CI (records resampled within each domain).',
    '',
  );
  out.push(`| Method | ${RM_BENCH_DOMAINS.join(' | ')} | Easy | Normal | Hard | Avg |`);
  out.push(`|---|${RM_BENCH_DOMAINS.map(() => '--:').join('|')}|--:|--:|--:|--:|`);
  for (const [spec, m] of methods) {
    const rm = rmBenchOf(m)!;
    const domains = RM_BENCH_DOMAINS.map((d) => (rm.domains[d] ? percent(rm.domains[d]!.average) : missingDomainCell(summary, d)));
    out.push(
      `| ${mdCode(spec)} | ${domains.join(' | ')} | ${percent(rm.easy)} | ${percent(rm.normal)} | ${percent(rm.hard)} | **${percent(rm.average)}** (${percentCi(rm.ci95?.average)}) |`,
    );
  }
  out.push('');
  const missing = [...new Set(methods.flatMap(([, m]) => rmBenchOf(m)!.missingDomains))];
  if (missing.length > 0) {
    out.push(`**Missing domains:** ${missing.map((d) => `${d}: ${missingDomainNote(summary, d)}`).join('; ')}. The overall columns average the present domains only.`, '');
  }
  for (const [spec, m] of methods) {
    const rm = rmBenchOf(m)!;
    out.push(`### ${mdCode(spec)}`, '');
    out.push('| Domain | Records | Easy | Normal | Hard | Avg |', '|---|--:|--:|--:|--:|--:|');
    for (const domain of RM_BENCH_DOMAINS) {
      const d = rm.domains[domain];
      if (!d) out.push(`| ${domain} | 0 | ${missingDomainNote(summary, domain)} | | | |`);
      else out.push(`| ${domain} | ${integer(d.records)} | ${percent(d.easy)} | ${percent(d.normal)} | ${percent(d.hard)} | ${percent(d.average)} (${percentCi(d.ci95)}) |`);
    }
    const records = Object.values(rm.domains).reduce((sum, d) => sum + d.records, 0);
    out.push(`| **Overall** | ${integer(records)} | ${percent(rm.easy)} | ${percent(rm.normal)} | ${percent(rm.hard)} | **${percent(rm.average)}** (${percentCi(rm.ci95?.average)}) |`);
    if (rm.pooled) {
      out.push(
        '',
        `Pooled over all records as one matrix: easy ${percent(rm.pooled.easy)}, normal ${percent(rm.pooled.normal)}, hard ${percent(rm.pooled.hard)}. ` +
          "This is upstream `compute_accuracy` only on records without a `domain` key (one domain's `*_filtered.json`); on `total_dataset.json`, whose records have one, upstream averages the domains as the table above does.",
      );
    }
    out.push('');
  }
  return out;
}

/** report.html's RM-Bench card: the table, the bar chart by domain and difficulty, the style matrices. */
export function rmBenchCard(summary: RunSummary, series: readonly { name: string; color: string }[]): string {
  const methods = Object.entries(summary.methods).filter(([, m]) => rmBenchOf(m));
  if (methods.length === 0) return '';
  const missing = [...new Set(methods.flatMap(([, m]) => rmBenchOf(m)!.missingDomains))];
  const domainHead = RM_BENCH_DOMAINS.map((d) => `<th class="num">${d}</th>`).join('');
  const rows = methods.map(([spec, m]) => {
    const rm = rmBenchOf(m)!;
    const i = Object.keys(summary.methods).indexOf(spec);
    const domains = RM_BENCH_DOMAINS.map((d) =>
      rm.domains[d] ? `<td class="num">${percent(rm.domains[d]!.average)}</td>` : `<td class="num missing">${missingDomainCell(summary, d)}</td>`,
    ).join('');
    return `<tr><td><span class="swatch" style="background:${seriesColor(i)}"></span><code>${escapeHtml(spec)}</code></td>${domains}<td class="num">${percent(rm.easy)}</td><td class="num">${percent(rm.normal)}</td><td class="num">${percent(rm.hard)}</td><td class="num acc">${percent(rm.average)}</td></tr>`;
  });
  const table = `<div class="table-wrap"><table><thead><tr><th>Method</th>${domainHead}<th class="num">Easy</th><th class="num">Normal</th><th class="num">Hard</th><th class="num">Avg</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
  const callout =
    missing.length > 0
      ? `<div class="callout">${missing.map((d) => `<b>${d}</b>: ${escapeHtml(missingDomainNote(summary, d))}`).join(' · ')}. Overall easy/normal/hard and Avg average the present domains only.</div>`
      : '';

  const allSeries = Object.keys(summary.methods).map((spec, i) => ({ spec, color: seriesColor(i) }));
  const rmSeries = series.filter((s) => methods.some(([spec]) => spec === s.name));
  const categories: BarCategory[] = [
    ...RM_BENCH_DOMAINS.map((d) => {
      const anyPresent = methods.some(([, m]) => rmBenchOf(m)!.domains[d]);
      const category: BarCategory = {
        label: d,
        values: methods.map(([, m]) => (rmBenchOf(m)!.domains[d] ? { value: rmBenchOf(m)!.domains[d]!.average } : null)),
      };
      if (!anyPresent) category.missing = missingDomainCell(summary, d);
      return category;
    }),
    ...(['easy', 'normal', 'hard', 'average'] as const).map((k) => ({
      label: k === 'average' ? 'Avg' : k[0]!.toUpperCase() + k.slice(1),
      values: methods.map(([, m]) => (rmBenchOf(m)![k] !== null ? { value: rmBenchOf(m)![k]! } : null)),
    })),
  ];
  const chart = barChartSvg({ categories, series: rmSeries, title: 'RM-Bench scores by domain and difficulty' });

  const blocks = methods.map(([spec, m]) => {
    const rm = rmBenchOf(m)!;
    const color = allSeries.find((s) => s.spec === spec)!.color;
    const maps = RM_BENCH_DOMAINS.map((d) => {
      const domain = rm.domains[d];
      if (!domain) return missingHeatmapSvg(d, missingDomainNote(summary, d, { brief: true }));
      return heatmapSvg({
        title: d,
        subtitle: `${integer(domain.records)} records · avg ${percent(domain.average)}%`,
        matrix: domain.matrix,
        rowLabels: RM_BENCH_STYLES,
        columnLabels: RM_BENCH_STYLES,
        rowAxis: 'chosen',
        columnAxis: 'rejected',
        footer: `easy ${percent(domain.easy)} · normal ${percent(domain.normal)} · hard ${percent(domain.hard)}`,
      });
    });
    return `<div class="method-block"><h3><span class="swatch" style="background:${color}"></span><code>${escapeHtml(spec)}</code></h3><div class="heatmaps">${maps.join('\n')}</div></div>`;
  });

  return card(
    'RM-Bench',
    `${table}${callout}<h3>Scores by domain and difficulty</h3>${legend(rmSeries)}<div class="chart-wrap">${chart}</div>
<h3>Style matrices</h3><p class="lead">Cell (i, j): % of records where the chosen response in style i beats the rejected one in style j (ties count as wrong). Above the diagonal is <b>hard</b> (chosen plainer than rejected), the outlined diagonal <b>normal</b>, below it <b>easy</b>. Blue: above chance, red: below.</p>
${blocks.join('\n')}`,
    'Domain score = mean(easy, normal, hard); safety pools safety-refuse and safety-response. Overall easy/normal/hard average the present domains; Avg = mean(easy, normal, hard).',
  );
}


/** report.csv's RM-Bench columns of a method: its overall easy/normal/hard/average, and a row per domain. */
export function rmBenchRows(method: string, m: MethodSummary, summary: RunSummary): { split: DifficultyColumns; sections: SummaryRow[] } | undefined {
  const rm = rmBenchOf(m);
  if (!rm) return undefined;
  const sections = RM_BENCH_DOMAINS.map((domain): SummaryRow => {
    const d = rm.domains[domain];
    return {
      method,
      scope: 'domain',
      name: domain,
      accuracy: d?.average ?? null,
      ci95: d?.ci95 ?? null,
      pairs: d?.records ?? 0,
      comparisons: d ? d.records * RM_BENCH_STYLES.length ** 2 : null,
      correct: null,
      ties: null,
      easy: d?.easy ?? null,
      normal: d?.normal ?? null,
      hard: d?.hard ?? null,
      average: d?.average ?? null,
      vsReference: null,
      note: d ? '' : missingDomainNote(summary, domain),
    };
  });
  return { split: { easy: rm.easy, normal: rm.normal, hard: rm.hard, average: rm.average }, sections };
}
