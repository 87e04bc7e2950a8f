import type { MethodSummary, RunSummary } from '../../benchmarks/method-summary.js';
import type { DifficultyColumns, SummaryRow } from '../../benchmarks/summary-row.js';
import { breakableSpecHtml, escapeHtml, integer, mdCell, mdCode, percent, percentCi } from '../../render/format.js';
import { card, legend } from '../../render/html-page.js';
import { seriesColor } from '../../render/palette.js';
import { barChartSvg, type BarCategory } from '../../render/svg-bar-chart.js';
import type { RunManifest } from '../../run-store/run-manifest.js';
import { EXAMPLE_COUNTS, isRewardBenchSubset, REWARD_BENCH_SECTIONS, REWARD_BENCH_SUBSETS, sectionOf } from './constants.js';
import { rewardBenchOf, type RewardBenchSummaryWithCi as RewardBenchSummary } from './reward-bench-summary.js';

/** How the numbers are made, for report.md and the HTML card. */
const METHOD_TEXT =
  "Per subset, the share of records whose chosen response scored above the rejected one (a tie counts as wrong; a pairwise judge's two orders count as two judgements). Each section is the mean of its subsets' accuracies weighted by upstream's EXAMPLE_COUNTS (Reasoning: math-prm weighs as much as the six HumanEvalPack languages together); a subset without records drops out of the weights. The score is the mean of the four sections, as the leaderboard computes it, and is only given when all four have records.";

type Methods = [string, RewardBenchSummary][];

function rewardBenchMethods(summary: Pick<RunSummary, 'methods'>): Methods {
  return Object.entries(summary.methods).flatMap(([spec, m]) => {
    const rb = rewardBenchOf(m);
    return rb ? [[spec, rb] as [string, RewardBenchSummary]] : [];
  });
}

/** run.json's `dataset.subsets`: records per subset in the whole dataset (none for a stream, or an older run). */
function datasetSubsets(manifest: Pick<RunManifest, 'dataset'>): ReadonlyMap<string, number> | undefined {
  const subsets = manifest.dataset['subsets'];
  if (typeof subsets !== 'object' || subsets === null) return undefined;
  return new Map(Object.entries(subsets as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

/**
 * Why a subset has no records in this run: the dataset lacks it, or --limit, --shard or an interrupted run left it out.
 * `records` adds how many the dataset holds.
 */
function missingSubsetReason(manifest: Pick<RunManifest, 'dataset' | 'settings'>, subset: string, { records = false } = {}): string {
  const counts = datasetSubsets(manifest);
  if (counts === undefined) return 'no records in this run';
  const inDataset = counts.get(subset) ?? 0;
  if (inDataset === 0) return 'missing from this dataset';
  const { limit, shard } = manifest.settings;
  const why = [
    ...(records ? [`${inDataset} records in the dataset`] : []),
    ...(limit !== undefined ? [`--limit ${limit}`] : []),
    ...(shard !== undefined ? [`--shard ${shard.index}/${shard.count}`] : []),
  ];
  return `not scored in this run${why.length > 0 ? ` (${why.join('; ')})` : ''}`;
}

/** The missing subsets grouped by reason: `missing from this dataset: a, b; not scored in this run (--limit 9): c`. */
function missingText(manifest: Pick<RunManifest, 'dataset' | 'settings'>, subsets: readonly string[]): string {
  const byReason = new Map<string, string[]>();
  for (const subset of subsets) {
    const reason = missingSubsetReason(manifest, subset);
    byReason.set(reason, [...(byReason.get(reason) ?? []), subset]);
  }
  return [...byReason].map(([reason, names]) => `${reason}: ${names.join(', ')}`).join('; ');
}

/** The run's notes: subsets without records (and why), subsets that are not RewardBench's. */
export function rewardBenchNotes(methods: Readonly<Record<string, MethodSummary>>, manifest: RunManifest): string[] {
  const counted = rewardBenchMethods({ methods }).filter(([spec]) => methods[spec]!.pairs > 0);
  const notes: string[] = [];
  const bySubsets = new Map<string, string[]>();
  for (const [spec, rb] of counted) {
    if (rb.missingSubsets.length === 0) continue;
    const key = rb.missingSubsets.join(', ');
    bySubsets.set(key, [...(bySubsets.get(key) ?? []), spec]);
  }
  for (const [key, specs] of bySubsets) {
    const missing = key.split(', ');
    const who = specs.length === counted.length ? 'RewardBench' : `RewardBench (${specs.join(', ')})`;
    // The same subsets are missing for all of them, and so the same sections are empty.
    const empty = counted.find(([spec]) => spec === specs[0])![1].sections.filter((s) => s.score === null).map((s) => s.section);
    const overall = empty.length > 0 ? ` ${empty.join(', ')} ${empty.length === 1 ? 'has' : 'have'} no records, so there is no overall score.` : '';
    notes.push(
      `${who}: ${missing.length} of the ${REWARD_BENCH_SUBSETS.length} subsets have no records (${missingText(manifest, missing)}); each section weighs only the subsets it has, so the scores are not comparable with the leaderboard's.${overall}`,
    );
  }
  const unknown = counted.find(([, rb]) => rb.unknownSubsets.length > 0);
  if (unknown) {
    const [, rb] = unknown;
    const records = rb.subsets.filter((s) => s.section === undefined).reduce((sum, s) => sum + s.records, 0);
    const names = rb.unknownSubsets.map((s) => JSON.stringify(s)).join(', ');
    notes.push(`RewardBench: ${records} record(s) of subset(s) ${names}, which RewardBench does not have: their accuracy is listed, no section counts them.`);
  }
  return notes;
}

/** Every subset row of the tables: the 23 in upstream's order, then those the data adds. */
function subsetNames(methods: Methods): string[] {
  const unknown = [...new Set(methods.flatMap(([, rb]) => rb.unknownSubsets))].sort();
  return [...REWARD_BENCH_SUBSETS, ...unknown];
}

/** A subset's weight in its section; none for a name that is not one of the 23 (the data may hold "constructor"). */
function weightOf(subset: string): number | undefined {
  return isRewardBenchSubset(subset) ? EXAMPLE_COUNTS[subset] : undefined;
}

function subsetRecords(methods: Methods, subset: string): number {
  return Math.max(0, ...methods.map(([, rb]) => rb.subsets.find((s) => s.subset === subset)?.records ?? 0));
}

function sectionScore(rb: RewardBenchSummary, section: string): number | null {
  return rb.sections.find((s) => s.section === section)?.score ?? null;
}

/** A section's interval (absent from summaries written before it was computed). */
function sectionCi(rb: RewardBenchSummary, section: string): [number, number] | null {
  return rb.sections.find((s) => s.section === section)?.ci95 ?? null;
}

/** A score with its 95% interval when it has one, for report.md. */
function withCi(value: number | null, ci: [number, number] | null | undefined): string {
  return ci ? `${percent(value)} (${percentCi(ci)})` : percent(value);
}

function subsetAccuracy(rb: RewardBenchSummary, subset: string): number | null {
  return rb.subsets.find((s) => s.subset === subset)?.accuracy ?? null;
}

/** report.md's RewardBench section: section scores and the score per method, then every subset's accuracy. */
export function rewardBenchMarkdown(summary: RunSummary): string[] {
  const methods = rewardBenchMethods(summary);
  if (methods.length === 0) return [];
  const out = ['## RewardBench', '', METHOD_TEXT, ''];
  out.push(`| Method | ${REWARD_BENCH_SECTIONS.join(' | ')} | Score |`, `|---|${REWARD_BENCH_SECTIONS.map(() => '--:').join('|')}|--:|`);
  for (const [spec, rb] of methods) {
    const sections = REWARD_BENCH_SECTIONS.map((s) => withCi(sectionScore(rb, s), sectionCi(rb, s)));
    out.push(`| ${mdCode(spec)} | ${sections.join(' | ')} | **${percent(rb.overall)}**${rb.ci95 ? ` (${percentCi(rb.ci95)})` : ''} |`);
  }
  out.push('', 'Each score with its 95% CI: percentile bootstrap over records, resampled within each subset (1000 resamples, fixed seed).', '');
  const missing = [...new Set(methods.flatMap(([, rb]) => rb.missingSubsets))];
  if (missing.length > 0) out.push(`**Subsets without records:** ${mdCell(missingText(summary, missing))}.`, '');
  out.push('### RewardBench subsets', '');
  out.push(`| Section | Subset | Weight | Records | ${methods.map(([spec]) => `${mdCode(spec)}`).join(' | ')} |`);
  out.push(`|---|---|--:|--:|${methods.map(() => '--:').join('|')}|`);
  for (const subset of subsetNames(methods)) {
    const records = subsetRecords(methods, subset);
    const cells = methods.map(([, rb]) => (records === 0 ? 'missing' : percent(subsetAccuracy(rb, subset))));
    out.push(`| ${sectionOf(subset) ?? 'none'} | ${mdCell(subset)} | ${integer(weightOf(subset))} | ${integer(records)} | ${cells.join(' | ')} |`);
  }
  out.push('');
  return out;
}

/** report.html's RewardBench card: the section table, a bar chart of the sections and score, the subset table. */
export function rewardBenchCard(summary: RunSummary, series: readonly { name: string; color: string }[]): string | undefined {
  const methods = rewardBenchMethods(summary);
  if (methods.length === 0) return undefined;
  const swatch = (spec: string) => `<span class="swatch" style="background:${seriesColor(Object.keys(summary.methods).indexOf(spec))}"></span>`;
  const num = (value: number | null, cls = '', ci?: [number, number] | null) =>
    `<td class="num${cls}">${percent(value)}${ci ? ` <span class="ci">${percentCi(ci)}</span>` : ''}</td>`;

  const sectionRows = methods.map(
    ([spec, rb]) =>
      `<tr><td>${swatch(spec)}<code>${escapeHtml(spec)}</code></td>${REWARD_BENCH_SECTIONS.map((s) => num(sectionScore(rb, s), '', sectionCi(rb, s))).join('')}${num(rb.overall, ' acc', rb.ci95)}</tr>`,
  );
  const sectionTable = `<div class="table-wrap"><table><thead><tr><th>Method</th>${REWARD_BENCH_SECTIONS.map((s) => `<th class="num">${s}</th>`).join('')}<th class="num">Score</th></tr></thead><tbody>${sectionRows.join('\n')}</tbody></table></div>`;

  const missing = [...new Set(methods.flatMap(([, rb]) => rb.missingSubsets))];
  const callout = missing.length > 0 ? `<div class="callout"><b>Subsets without records</b>: ${escapeHtml(missingText(summary, missing))}.</div>` : '';

  const chartSeries = series.filter((s) => methods.some(([spec]) => spec === s.name));
  const value = (v: number | null) => (v === null ? null : { value: v });
  const categories: BarCategory[] = [
    ...REWARD_BENCH_SECTIONS.map((s) => ({ label: s, values: methods.map(([, rb]) => value(sectionScore(rb, s))) })),
    { label: 'Score', values: methods.map(([, rb]) => value(rb.overall)) },
  ];
  const chart = barChartSvg({ categories, series: chartSeries, title: 'RewardBench section scores and score' });

  // Sections head their subsets, and each subset carries its weight and records: with only the methods as columns, a
  // sweep's ten fit the card (method heads break after ':', ',' and '=', as in the per-group table).
  const subsetRows: string[] = [];
  let section: string | undefined;
  for (const subset of subsetNames(methods)) {
    const own = sectionOf(subset) ?? 'not in RewardBench';
    if (own !== section) subsetRows.push(`<tr><th colspan="${1 + methods.length}">${escapeHtml((section = own))}</th></tr>`);
    const records = subsetRecords(methods, subset);
    const cells = methods.map(([, rb]) => (records === 0 ? '<td class="num missing">missing</td>' : num(subsetAccuracy(rb, subset)))).join('');
    const facts = `weight ${integer(weightOf(subset))} · ${integer(records)} record${records === 1 ? '' : 's'}`;
    subsetRows.push(`<tr><td><code>${escapeHtml(subset).replace(/-/g, '-<wbr>')}</code> <span class="ci">${facts}</span></td>${cells}</tr>`);
  }
  const subsetTable = `<div class="table-wrap"><table class="fit"><thead><tr><th>Subset</th>${methods.map(([spec]) => `<th class="num m">${swatch(spec)}${breakableSpecHtml(spec)}</th>`).join('')}</tr></thead><tbody>${subsetRows.join('\n')}</tbody></table></div>`;

  return card(
    'RewardBench',
    `${sectionTable}${callout}<h3>Sections and score</h3>${legend(chartSeries)}<div class="chart-wrap">${chart}</div>
<h3>Subsets</h3>${subsetTable}`,
    escapeHtml(METHOD_TEXT),
  );
}

/** report.csv and comparison rows of one method: the score as its average, a row per section and per subset. */
export function rewardBenchRows(method: string, m: MethodSummary, summary: RunSummary): { split: DifficultyColumns; sections: SummaryRow[] } | undefined {
  const rb = rewardBenchOf(m);
  if (!rb) return undefined;
  const row = (name: string, accuracy: number | null, records: number, correct: number | null, note: string, ci95: [number, number] | null = null): SummaryRow => ({
    method,
    scope: 'domain',
    name,
    accuracy,
    ci95,
    pairs: records,
    comparisons: records > 0 ? records : null,
    correct,
    ties: null,
    easy: null,
    normal: null,
    hard: null,
    average: accuracy,
    vsReference: null,
    note,
  });
  const sections = rb.sections.map((s) =>
    row(s.section, s.score, s.records, null, s.score === null ? `no records (${missingText(summary, s.missingSubsets)})` : '', s.ci95 ?? null),
  );
  const subsets = REWARD_BENCH_SUBSETS.map((name) => {
    const s = rb.subsets.find((x) => x.subset === name);
    return s ? row(name, s.accuracy, s.records, s.correct, '') : row(name, null, 0, null, missingSubsetReason(summary, name, { records: true }));
  });
  return { split: { easy: null, normal: null, hard: null, average: rb.overall }, sections: [...sections, ...subsets] };
}
