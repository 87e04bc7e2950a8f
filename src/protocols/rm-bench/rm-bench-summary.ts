import type { BootstrapOptions } from '../../benchmarks/bootstrap.js';
import { cellJudgements, type RecordOutcome } from '../../benchmarks/cells.js';
import type { MethodSummary } from '../../benchmarks/method-summary.js';
import { stratifiedMeanBootstrap } from '../../benchmarks/stratified-bootstrap.js';
import { RM_BENCH_DOMAINS, RM_BENCH_STYLES, rmBenchDomainOf, type RmBenchSection } from './rm-bench-domains.js';

type RmBenchDomain = RmBenchSection;

export { RM_BENCH_DOMAINS, RM_BENCH_STYLES };

const SIZE = RM_BENCH_STYLES.length;

export interface DifficultySplit {
  /** Chosen response in a plainer style than the rejected one: mean of the cells above the diagonal. */
  hard: number;
  /** Same style: the diagonal. */
  normal: number;
  /** Chosen response in a fancier style: below the diagonal. */
  easy: number;
}

export interface RmBenchDomainSummary extends DifficultySplit {
  /** mean(easy, normal, hard): the domain's score in the paper's table. */
  average: number;
  records: number;
  /** 95% bootstrap interval of `average` (records of the domain resampled). */
  ci95: [number, number] | null;
  /**
   * matrix[i][j]: share of records where chosen style i beat rejected style j (a tie counts as wrong); for a pairwise
   * judge asked in both orders, the share of judgements.
   */
  matrix: number[][];
}

export interface RmBenchSummary {
  domains: Partial<Record<RmBenchDomain, RmBenchDomainSummary>>;
  /** Mean over present domains of the domain easy/normal/hard; null when no domain is present. */
  easy: number | null;
  normal: number | null;
  hard: number | null;
  /** mean(easy, normal, hard). */
  average: number | null;
  /** Mean of the domain scores (the paper's "Avg"); equal to `average`, since both weigh every domain and cell alike. */
  averageByDomain: number | null;
  /** 95% bootstrap intervals of average, easy, normal and hard: see rmBenchIntervals. */
  ci95: { average: [number, number]; easy: [number, number]; normal: [number, number]; hard: [number, number] } | null;
  /**
   * easy/normal/hard of one matrix over every record of the present domains. Upstream's `compute_accuracy`
   * (scripts/utils.py) gives this only for a results list whose first record has no `domain` key (one domain's
   * `<domain>_filtered.json`, where it equals that domain's split); for records that carry `domain`
   * (total_dataset.json) it splits them by domain and averages, which is `easy`/`normal`/`hard` above. Pooling weighs
   * domains by record count, unlike the paper's table.
   */
  pooled: DifficultySplit | null;
  /** Domains without a single complete record: never averaged over, always named in reports. */
  missingDomains: RmBenchDomain[];
  /** Complete records whose group is not an RM-Bench domain (left out of everything above). */
  unassignedRecords: number;
}

/** The 3x3 share-correct matrix of records that have all nine cells; records of another shape are ignored. */
export function styleMatrix(records: readonly RecordOutcome[]): { matrix: number[][]; records: number } {
  const counts = Array.from({ length: SIZE }, () => new Array<number>(SIZE).fill(0));
  let used = 0;
  for (const record of records) {
    if (record.cells.length !== SIZE * SIZE) continue;
    used++;
    for (const cell of record.cells) {
      const j = cellJudgements(cell);
      counts[cell.chosen]![cell.rejected]! += j.correct / j.total;
    }
  }
  return { matrix: counts.map((row) => row.map((count) => (used > 0 ? count / used : 0))), records: used };
}

/** Upstream's split: hard = mean(A01, A02, A12), normal = mean(A00, A11, A22), easy = mean(A10, A20, A21). */
export function difficultySplit(matrix: readonly (readonly number[])[]): DifficultySplit {
  let hard = 0;
  let normal = 0;
  let easy = 0;
  for (let i = 0; i < SIZE; i++) {
    for (let j = 0; j < SIZE; j++) {
      const value = matrix[i]![j]!;
      if (j > i) hard += value;
      else if (j === i) normal += value;
      else easy += value;
    }
  }
  const offDiagonal = (SIZE * (SIZE - 1)) / 2;
  return { hard: hard / offDiagonal, normal: normal / SIZE, easy: easy / offDiagonal };
}

/** A record's own easy, normal and hard (its cells' shares of right judgements), whose means over records are the domain's. */
function recordSplit(record: RecordOutcome): [number, number, number] {
  const matrix = Array.from({ length: SIZE }, () => new Array<number>(SIZE).fill(0));
  for (const cell of record.cells) {
    const j = cellJudgements(cell);
    matrix[cell.chosen]![cell.rejected]! = j.correct / j.total;
  }
  const split = difficultySplit(matrix);
  return [split.easy, split.normal, split.hard];
}

/**
 * 95% intervals of the RM-Bench average, its easy/normal/hard and each domain's score, by a bootstrap over records
 * stratified by domain: every resample keeps each domain's record count. The average is a mean of domain scores with
 * equal weights fixed by the benchmark, not by how many records a domain has, so its sampling error is the records'
 * within their domains; pooled resampling would add a domain-mix variance the estimator does not have, and could
 * draw a resample without a small domain, where the average is not defined. Records, not cells, are resampled: the
 * nine cells of a record share its prompt and responses.
 */
export function rmBenchIntervals(
  byDomain: ReadonlyMap<RmBenchDomain, readonly RecordOutcome[]>,
  bootstrap: BootstrapOptions = {},
): { overall: RmBenchSummary['ci95']; domains: Map<RmBenchDomain, [number, number]> } {
  const present = RM_BENCH_DOMAINS.filter((d) => (byDomain.get(d)?.length ?? 0) > 0);
  const intervals = stratifiedMeanBootstrap(
    present.map((d) => byDomain.get(d)!.map(recordSplit)),
    (means) => {
      const easy = mean(means.map((m) => m[0]!));
      const normal = mean(means.map((m) => m[1]!));
      const hard = mean(means.map((m) => m[2]!));
      return [mean([easy, normal, hard]), easy, normal, hard, ...means.map((m) => (m[0]! + m[1]! + m[2]!) / 3)];
    },
    { ...bootstrap, level: 0.95 },
  );
  if (!intervals) return { overall: null, domains: new Map() };
  const [average, easy, normal, hard, ...domains] = intervals as [number, number][];
  return { overall: { average: average!, easy: easy!, normal: normal!, hard: hard! }, domains: new Map(present.map((d, i) => [d, domains[i]!])) };
}

/** The RM-Bench protocol over one method's record outcomes. */
export function rmBenchSummary(records: readonly RecordOutcome[], options: { bootstrap?: BootstrapOptions } = {}): RmBenchSummary {
  const byDomain = new Map<RmBenchDomain, RecordOutcome[]>();
  let unassignedRecords = 0;
  for (const record of records) {
    const domain = rmBenchDomainOf(record.group);
    if (!domain || record.cells.length !== SIZE * SIZE) {
      unassignedRecords++;
      continue;
    }
    let list = byDomain.get(domain);
    if (!list) byDomain.set(domain, (list = []));
    list.push(record);
  }

  const domains: Partial<Record<RmBenchDomain, RmBenchDomainSummary>> = {};
  const missingDomains: RmBenchDomain[] = [];
  const intervals = rmBenchIntervals(byDomain, options.bootstrap);
  for (const domain of RM_BENCH_DOMAINS) {
    const list = byDomain.get(domain);
    if (!list || list.length === 0) {
      missingDomains.push(domain);
      continue;
    }
    const { matrix, records: count } = styleMatrix(list);
    const split = difficultySplit(matrix);
    domains[domain] = {
      easy: split.easy,
      normal: split.normal,
      hard: split.hard,
      average: mean([split.easy, split.normal, split.hard]),
      records: count,
      ci95: intervals.domains.get(domain) ?? null,
      matrix,
    };
  }

  const present = Object.values(domains);
  if (present.length === 0) {
    return {
      domains,
      easy: null,
      normal: null,
      hard: null,
      average: null,
      averageByDomain: null,
      ci95: null,
      pooled: null,
      missingDomains,
      unassignedRecords,
    };
  }
  const easy = mean(present.map((d) => d.easy));
  const normal = mean(present.map((d) => d.normal));
  const hard = mean(present.map((d) => d.hard));
  const pooled = difficultySplit(styleMatrix([...byDomain.values()].flat()).matrix);
  return {
    domains,
    easy,
    normal,
    hard,
    average: mean([easy, normal, hard]),
    averageByDomain: mean(present.map((d) => d.average)),
    ci95: intervals.overall,
    pooled: { easy: pooled.easy, normal: pooled.normal, hard: pooled.hard },
    missingDomains,
    unassignedRecords,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The key summary.json keeps a method's RM-Bench summary under. */
export const RM_BENCH_SUMMARY_KEY = 'rmBench';

/** A method's RM-Bench summary, when its run is an RM-Bench run. */
export function rmBenchOf(m: MethodSummary): RmBenchSummary | undefined {
  return (m as MethodSummary & { [RM_BENCH_SUMMARY_KEY]?: RmBenchSummary })[RM_BENCH_SUMMARY_KEY];
}
