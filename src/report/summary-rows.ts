import type { AccuracyStats } from '../benchmarks/accuracy.js';
import type { PairedTest } from '../benchmarks/paired-comparison.js';
import { RM_BENCH_DOMAINS } from '../benchmarks/rm-bench.js';
import type { RunManifest } from '../run-store/run-manifest.js';
import type { RunSummary } from '../benchmarks/method-summary.js';

export type RowScope = 'overall' | 'group' | 'domain';

/** One method in one scope: the unit of report.csv and of the comparison tables. Fractions are 0..1. */
export interface SummaryRow {
  method: string;
  scope: RowScope;
  /** 'overall', the group name, or the RM-Bench domain. */
  name: string;
  /** Cell accuracy; for an RM-Bench domain its score (mean of easy/normal/hard, which is its cell accuracy). */
  accuracy: number | null;
  ci95: [number, number] | null;
  pairs: number;
  comparisons: number | null;
  correct: number | null;
  ties: number | null;
  easy: number | null;
  normal: number | null;
  hard: number | null;
  average: number | null;
  vsReference: PairedTest | null;
  /** Why the row has no numbers (e.g. "missing from this dataset"). */
  note: string;
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
  const records = manifest.dataset.domains?.[domain] ?? 0;
  if (records === 0) return MISSING_DOMAIN;
  if (brief) return 'not scored in this run';
  const { limit, shard } = manifest.settings;
  const why = [
    ...(limit !== undefined ? [`--limit ${limit}`] : []),
    ...(shard !== undefined ? [`--shard ${shard.index}/${shard.count}`] : []),
  ];
  return `not scored in this run (${records} records in the dataset${why.length > 0 ? `; ${why.join(', ')}` : ''})`;
}

/** The short form for a table cell. */
export function missingDomainCell(manifest: Pick<RunManifest, 'dataset'>, domain: string): string {
  return (manifest.dataset.domains?.[domain] ?? 0) === 0 ? 'missing' : 'not scored';
}

export function summaryRows(summary: RunSummary): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const [method, m] of Object.entries(summary.methods)) {
    const rm = m.rmBench;
    rows.push({
      ...statsPart(method, 'overall', 'overall', m),
      easy: rm?.easy ?? null,
      normal: rm?.normal ?? null,
      hard: rm?.hard ?? null,
      average: rm?.average ?? null,
      vsReference: m.vsReference ?? null,
      note: m.pairs === 0 ? 'no complete record' : '',
    });
    for (const [group, stats] of Object.entries(m.groups)) {
      rows.push({ ...statsPart(method, 'group', group, stats), ...noSplit });
    }
    if (!rm) continue;
    for (const domain of RM_BENCH_DOMAINS) {
      const d = rm.domains[domain];
      rows.push({
        method,
        scope: 'domain',
        name: domain,
        accuracy: d?.average ?? null,
        ci95: null,
        pairs: d?.records ?? 0,
        comparisons: d ? d.records * 9 : null,
        correct: null,
        ties: null,
        easy: d?.easy ?? null,
        normal: d?.normal ?? null,
        hard: d?.hard ?? null,
        average: d?.average ?? null,
        vsReference: null,
        note: d ? '' : missingDomainNote(summary, domain),
      });
    }
  }
  return rows;
}

const noSplit = { easy: null, normal: null, hard: null, average: null, vsReference: null, note: '' } as const;

function statsPart(method: string, scope: RowScope, name: string, stats: AccuracyStats) {
  return {
    method,
    scope,
    name,
    accuracy: stats.accuracy,
    ci95: stats.ci95,
    pairs: stats.pairs,
    comparisons: stats.comparisons,
    correct: stats.correct,
    ties: stats.ties,
  };
}
