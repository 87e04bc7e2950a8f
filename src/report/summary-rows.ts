import type { RunSummary } from '../benchmarks/method-summary.js';
import { statsColumns, type DifficultyColumns, type SummaryRow } from '../benchmarks/summary-row.js';
import { hasOwnHeadline } from '../protocols/headline.js';
import { protocolOfKind } from '../protocols/registry.js';

/**
 * Every method's rows: the protocol's own headline (RM-Bench: its average; none for plain pairs, whose headline is the
 * pooled accuracy that follows), pooled accuracy (with the protocol's difficulty split), per group, then the
 * protocol's sections.
 */
export function summaryRows(summary: RunSummary): SummaryRow[] {
  const protocol = protocolOfKind(summary.dataset.kind);
  const rows: SummaryRow[] = [];
  for (const [method, m] of Object.entries(summary.methods)) {
    const part = protocol.report?.rows?.(method, m, summary);
    if (hasOwnHeadline(protocol) && m.headline) {
      rows.push({
        method,
        scope: 'headline',
        name: m.headline.title,
        accuracy: m.headline.value,
        ci95: m.headline.ci95,
        pairs: m.pairs,
        comparisons: null,
        correct: null,
        ties: null,
        ...(part?.split ?? NO_SPLIT),
        vsReference: null,
        note: m.headline.value === null ? 'no complete record' : '',
      });
    }
    rows.push({
      method,
      scope: 'overall',
      name: 'pooled',
      ...statsColumns(m),
      ...(part?.split ?? NO_SPLIT),
      vsReference: m.vsReference ?? null,
      note: m.pairs === 0 ? 'no complete record' : '',
    });
    for (const [group, stats] of Object.entries(m.groups)) {
      rows.push({ method, scope: 'group', name: group, ...statsColumns(stats), ...NO_SPLIT, vsReference: null, note: '' });
    }
    if (part) rows.push(...part.sections);
  }
  return rows;
}

const NO_SPLIT: DifficultyColumns = { easy: null, normal: null, hard: null, average: null };
