import { bestOfNRecord } from '../../benchmarks/best-of-n.js';
import type { BootstrapOptions } from '../../benchmarks/bootstrap.js';
import type { RecordOutcome } from '../../benchmarks/cells.js';
import type { MethodSummary } from '../../benchmarks/method-summary.js';
import { stratifiedMeanBootstrap } from '../../benchmarks/stratified-bootstrap.js';
import { isKnownSubset, isTies, SUBSETS } from './constants.js';
import { tiesIdParts } from './records.js';
import { rerollResult, tiesScore, type TiesScore } from './upstream-scoring.js';

/** The key summary.json keeps a method's RewardBench 2 summary under. */
export const SUMMARY_KEY = 'rewardBench2';

export interface SubsetScore {
  subset: string;
  /** Records counted. */
  records: number;
  /** Best-of-4 subsets: the mean of the records' results; Ties: process_single_model's weighted score. */
  score: number | null;
  ci95: [number, number] | null;
}

export interface RewardBench2Summary {
  /** The six subsets that have records, in the card's order, then subsets RewardBench 2 does not have, by name. */
  subsets: SubsetScore[];
  /** The leaderboard's score: the mean of the six subset scores; null unless all six have one. */
  overall: number | null;
  ci95: [number, number] | null;
  /** Ties' parts (accuracies, margin terms), when it was scored. */
  ties?: Omit<TiesScore, 'score'>;
  missingSubsets: string[];
  unknownSubsets: string[];
  /** Ties records a pairwise judge cannot score: its margins need a score per response. */
  unscoredTies: number;
}

/** What one counted record contributes: its subset, and the numbers the subset's score is a mean of. */
interface Unit {
  subset: string;
  /** Best-of-4 result (0..1), or, for Ties, the record's (score, correct count, id) for process_single_model. */
  result?: number;
  ties?: { id: string; scores: number[]; numCorrect: number };
}

/**
 * A record's part: from a per-response method's scores exactly as upstream (rerollResult, correct answers first, a
 * NaN kept as NaN); from a pairwise judge, best-of-N over its cells (bestOfNRecord: each order on its own), which for one
 * chosen response is the same rule. A pairwise judge has no per-response score for Ties' margins.
 */
function unitOf(record: RecordOutcome): Unit | undefined {
  const subset = record.group!;
  if (record.scores) {
    const scores = [...record.scores.chosen, ...record.scores.rejected];
    if (isTies(subset)) return { subset, ties: { id: record.key, scores, numCorrect: record.scores.chosen.length } };
    return { subset, result: rerollResult(scores) };
  }
  if (isTies(subset)) return undefined;
  return { subset, result: bestOfNRecord(record).value };
}

/** A Ties record as process_single_model sees it; and Ties' score (null without a record). */
function tiesOf(units: readonly Unit[]): TiesScore | null {
  const samples = units.flatMap((u) => (u.ties ? [u.ties] : []));
  return samples.length > 0 ? tiesScore(samples) : null;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

export function summarizeRewardBench2(records: readonly RecordOutcome[], options: { bootstrap?: BootstrapOptions } = {}): RewardBench2Summary {
  const bySubset = new Map<string, Unit[]>();
  let unscoredTies = 0;
  for (const record of records) {
    if (record.group === undefined) continue;
    const unit = unitOf(record);
    if (!unit) {
      unscoredTies++;
      continue;
    }
    bySubset.set(unit.subset, [...(bySubset.get(unit.subset) ?? []), unit]);
  }
  const known = SUBSETS.filter((s) => bySubset.has(s));
  const unknownSubsets = [...bySubset.keys()].filter((s) => !isKnownSubset(s)).sort();
  let ties: TiesScore | null = null;
  const scoreOf = (subset: string): number | null => {
    const units = bySubset.get(subset)!;
    if (!isTies(subset)) return mean(units.map((u) => u.result!));
    ties = tiesOf(units);
    return ties?.score ?? null;
  };
  const scores = new Map([...known, ...unknownSubsets].map((s) => [s, scoreOf(s)]));
  const intervals = subsetIntervals(known, bySubset, options.bootstrap);
  const subsets: SubsetScore[] = [...known, ...unknownSubsets].map((subset) => ({
    subset,
    records: bySubset.get(subset)!.length,
    score: scores.get(subset) ?? null,
    ci95: intervals.subsets.get(subset) ?? null,
  }));
  const complete = known.length === SUBSETS.length && known.every((s) => scores.get(s) !== null);
  const summary: RewardBench2Summary = {
    subsets,
    overall: complete ? mean(known.map((s) => scores.get(s)!)) : null,
    ci95: complete ? intervals.overall : null,
    missingSubsets: SUBSETS.filter((s) => !bySubset.has(s)),
    unknownSubsets,
    unscoredTies,
  };
  if (ties) {
    const { score: _score, ...parts } = ties as TiesScore;
    summary.ties = parts;
  }
  return summary;
}

/*
 * 95% intervals by a bootstrap stratified by subset: every resample keeps each subset's record count, since the
 * leaderboard's score is an unweighted mean of subsets, not of records. Ties is resampled by prompt: `ref:N` and
 * `tied:N` are drawn together, as one unit, because its margin terms compare the two records of a prompt; each
 * resample recomputes process_single_model's five terms as ratios of sums over the drawn prompts. A unit's vector:
 *   best-of-4: [result, 0, …]
 *   Ties:      [has ref, ref accurate, has tied, tied accurate, paired, preferred, preferred (hard), tanh margin]
 */
const WIDTH = 8;

function subsetIntervals(
  known: readonly string[],
  bySubset: ReadonlyMap<string, Unit[]>,
  bootstrap: BootstrapOptions = {},
): { overall: [number, number] | null; subsets: Map<string, [number, number] | null> } {
  const strata = known.map((subset) => (isTies(subset) ? tiesUnits(bySubset.get(subset)!) : bySubset.get(subset)!.map((u) => pad([u.result!]))));
  const none = { overall: null, subsets: new Map<string, [number, number] | null>() };
  if (strata.length === 0 || strata.some((s) => s.length === 0)) return none;
  const intervals = stratifiedMeanBootstrap(
    strata,
    (means) => {
      const scores = known.map((subset, i) => (isTies(subset) ? tiesFromMeans(means[i]!) : means[i]![0]!));
      return [known.length === SUBSETS.length ? mean(scores) : Number.NaN, ...scores];
    },
    { ...bootstrap, level: 0.95 },
  );
  if (!intervals) return none;
  const defined = (ci: [number, number] | null | undefined) => (ci && Number.isFinite(ci[0]) && Number.isFinite(ci[1]) ? ci : null);
  const [overall, ...subsets] = intervals;
  return { overall: defined(overall), subsets: new Map(known.map((s, i) => [s, defined(subsets[i])])) };
}

function pad(values: number[]): number[] {
  return [...values, ...new Array<number>(WIDTH - values.length).fill(0)];
}

/** One vector per Ties prompt number (its ref and tied records together), with the terms tiesScore computes for it. */
function tiesUnits(units: readonly Unit[]): number[][] {
  const byPrompt = new Map<number, { id: string; scores: number[]; numCorrect: number }[]>();
  for (const u of units) {
    const prompt = tiesIdParts(u.ties!.id)?.prompt ?? Number.NaN;
    byPrompt.set(prompt, [...(byPrompt.get(prompt) ?? []), u.ties!]);
  }
  return [...byPrompt.values()].map((samples) => {
    const t = tiesScore(samples);
    const paired = t.pairedPrompts;
    return [t.refPrompts, t.refPrompts ? t.refAccuracy : 0, t.tiedPrompts, t.tiedPrompts ? t.tiedAccuracy : 0, paired, paired ? t.correctnessPreferred : 0, paired ? t.correctnessPreferredHard : 0, paired ? t.marginScore : 0];
  });
}

/** process_single_model's score from a resample's means: each term the ratio of its sums (0 accuracy without records). */
function tiesFromMeans(m: Float64Array): number {
  const ratio = (num: number, den: number, empty: number) => (den > 0 ? num / den : empty);
  const ref = ratio(m[1]!, m[0]!, 0);
  const tied = ratio(m[3]!, m[2]!, 0);
  const preferred = ratio(m[5]!, m[4]!, Number.NaN);
  const hard = ratio(m[6]!, m[4]!, Number.NaN);
  const margin = ratio(m[7]!, m[4]!, Number.NaN);
  return 0.3 * tied + 0.3 * ref + 0.2 * preferred + 0.2 * hard + 0.01 * margin;
}

/** A method's RewardBench 2 summary, when its run is a RewardBench 2 run. */
export function rewardBench2Of(m: MethodSummary): RewardBench2Summary | undefined {
  return (m as MethodSummary & { [SUMMARY_KEY]?: RewardBench2Summary })[SUMMARY_KEY];
}

export function subsetScore(m: MethodSummary, subset: string): number | undefined {
  return rewardBench2Of(m)?.subsets.find((s) => s.subset === subset)?.score ?? undefined;
}

export function subsetCi95(m: MethodSummary, subset: string): [number, number] | null | undefined {
  return rewardBench2Of(m)?.subsets.find((s) => s.subset === subset)?.ci95;
}
