import { downloadHubDatasetFile } from '../../datasets/hub-datasets.js';
import type { BenchmarkProtocol } from '../protocol.js';
import { RM_BENCH_DOMAINS, RM_BENCH_STYLES, rmBenchDomainOf } from './rm-bench-domains.js';
import { isRmBenchFileName, openRmBench, rmBenchDomainRecords } from './rm-bench-reader.js';
import { rmBenchCard, rmBenchNotes, rmBenchRows, rmBenchSection } from './rm-bench-report.js';
import { RM_BENCH_SUMMARY_KEY, rmBenchOf, rmBenchSummary } from './rm-bench-summary.js';

/**
 * RM-Bench: three chosen and three rejected responses per prompt in three styles, scored as upstream does (the 3 × 3
 * style matrix, hard / normal / easy per domain, the paper's domain average), from upstream's files or the Hub.
 */
export const rmBenchProtocol: BenchmarkProtocol = {
  name: 'rm-bench',
  label: 'RM-Bench',
  describe: 'RM-Bench file or folder',
  formats: ['rm-bench'],
  readsFolders: true,
  hubAliases: {
    'rm-bench': {
      repo: 'THU-KEG/RM-Bench',
      fetch: (options) => downloadHubDatasetFile({ repo: 'THU-KEG/RM-Bench', path: 'total_dataset.json', revision: 'main' }, options),
    },
  },
  recognises: (input) => input.format === 'rm-bench' || (input.format === 'auto' && (input.isFolder || isRmBenchFileName(input.path))),
  open: openRmBench,
  datasetFacts: async (dataset) => ({ domains: await rmBenchDomainRecords(dataset) }),
  shape: { chosen: RM_BENCH_STYLES.length, rejected: RM_BENCH_STYLES.length },
  sections: RM_BENCH_DOMAINS,
  sectionOf: (pair) => rmBenchDomainOf(pair.group),
  sectionScore: (m, section) => rmBenchOf(m)?.domains[section as (typeof RM_BENCH_DOMAINS)[number]]?.average,
  sectionCi95: (m, section) => rmBenchOf(m)?.domains[section as (typeof RM_BENCH_DOMAINS)[number]]?.ci95,
  responseLabel: (index) => RM_BENCH_STYLES[index],
  summary: { key: RM_BENCH_SUMMARY_KEY, summarize: rmBenchSummary },
  notes: rmBenchNotes,
  headline: {
    title: 'RM-Bench average',
    short: 'RM-Bench Avg',
    row: 'average',
    value: (m) => {
      const rm = rmBenchOf(m);
      return rm ? rm.average : undefined;
    },
    ci95: (m) => rmBenchOf(m)?.ci95?.average ?? null,
    parts: (m) => {
      const rm = rmBenchOf(m);
      if (!rm) return undefined;
      return Object.fromEntries((['easy', 'normal', 'hard'] as const).map((k) => [k, { value: rm[k], ci95: rm.ci95?.[k] ?? null }]));
    },
    counts: (group) => rmBenchDomainOf(group) !== undefined,
    missing: (m) => {
      const gone = rmBenchOf(m)?.missingDomains ?? [];
      if (gone.length === 0) return undefined;
      return `${RM_BENCH_DOMAINS.length - gone.length} of ${RM_BENCH_DOMAINS.length} domains: ${gone.join(', ')} missing`;
    },
  },
  report: {
    markdown: rmBenchSection,
    html: (summary, series) => {
      const html = rmBenchCard(summary, series);
      return html ? { html, folded: 'RM-Bench tables, charts and style matrices' } : undefined;
    },
    rows: rmBenchRows,
    sectionLabel: (section) => `RM-Bench ${section}`,
    splitLabel: (split) => `RM-Bench ${split === 'average' ? 'Avg' : split}`,
    comparisonNote: 'RM-Bench rows are domain scores and the overall easy/normal/hard/Avg.',
  },
};
