import type { Pair } from '../datasets/pair.js';
import { comparisonSlot } from '../run-store/scan-scores.js';
import { recordFields, type ComparisonScoreRecord } from '../run-store/score-record.js';
import type { PairTask, TaskBuilder } from '../tasks/work-item.js';
import { judgeQuestion } from './judge-format.js';
import { judgeItems, type PreparedJudge } from './judge-task.js';
import { logSumExp, normalize, type LabelSpec } from './label-tokens.js';

/** The verdict labels: the response in position A or in position B is better. */
export const PAIRWISE_LABELS: LabelSpec[] = [
  { label: 'A', variants: ['A', ' A'] },
  { label: 'B', variants: ['B', ' B'] },
];

/**
 * What `extra[spec]` of a pairwise judge's comparison line holds. The line's score is the mean of the two orders'
 * P(chosen wins); aggregation counts each order as its own judgement (see cellJudgements in src/benchmarks/cells.ts).
 */
export interface PairwiseExtra {
  /** P(chosen wins) when the chosen response is shown first (position A): P(A) / (P(A) + P(B)). */
  chosenAsA: number;
  /** P(chosen wins) when the chosen response is shown second (position B): P(B) / (P(A) + P(B)). */
  chosenAsB: number;
  /** P(A) + P(B) before renormalising, mean of both orders: how much the model follows the verdict format. */
  labelMass: number;
  /** Present when a prompt of either order had its responses cut to --max-length. */
  truncated?: true;
}

/** P(position A wins) from the label log-probabilities, and the labels' total mass. */
export function positionAWins(logProbs: number[]): { pA: number; mass: number } {
  return { pA: normalize(logProbs)[0]!, mass: Math.exp(logSumExp(logProbs)) };
}

/** One comparison line from the two orders' P(A wins). */
export function pairwiseScore(pAChosenFirst: number, pAChosenSecond: number): { score: number; chosenAsA: number; chosenAsB: number } {
  const chosenAsA = pAChosenFirst;
  const chosenAsB = 1 - pAChosenSecond;
  return { score: (chosenAsA + chosenAsB) / 2, chosenAsA, chosenAsB };
}

/**
 * GenRM-Pairwise: every chosen[i] vs rejected[j] (1 cell for a plain pair, 3x3 for a record with three styles a side)
 * is judged in both orders from one prompt each; the verdict is read from the next-token probabilities of "A" and "B"
 * after the answer prefix.
 */
export function pairwiseJudgeTasks(judge: PreparedJudge): TaskBuilder {
  return (pair: Pair): PairTask => {
    const question = judgeQuestion(pair.system, pair.prompt);
    let truncated = 0;
    const prompt = (a: string, b: string) => {
      const encoded = judge.formatter.encode({ question, answer_a: a.trim(), answer_b: b.trim() }, ['answer_a', 'answer_b'], judge.budget);
      if (encoded.truncated) truncated++;
      return { truncated: encoded.truncated, read: judgeItems(judge, encoded.ids) };
    };
    const cells = pair.chosen.flatMap((chosen, i) =>
      pair.rejected.map((rejected, j) => ({ i, j, chosenFirst: prompt(chosen, rejected), chosenSecond: prompt(rejected, chosen) })),
    );
    return {
      truncated,
      parts: cells.map((c) => ({
        slot: comparisonSlot(c.i, c.j),
        items: [...c.chosenFirst.read.items, ...c.chosenSecond.read.items],
        finish: (): ComparisonScoreRecord => {
          const first = positionAWins(c.chosenFirst.read.logProbs());
          const second = positionAWins(c.chosenSecond.read.logProbs());
          const { score, chosenAsA, chosenAsB } = pairwiseScore(first.pA, second.pA);
          const truncated = c.chosenFirst.truncated || c.chosenSecond.truncated;
          const extra: PairwiseExtra = { chosenAsA, chosenAsB, labelMass: (first.mass + second.mass) / 2, ...(truncated ? { truncated: true as const } : {}) };
          return {
            type: 'comparison',
            ...recordFields(pair),
            chosen: c.i,
            rejected: c.j,
            truncated,
            scores: { [judge.spec]: score },
            extra: { [judge.spec]: extra },
          };
        },
      })),
    };
  };
}
