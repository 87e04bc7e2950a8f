import { PAIRWISE_LABELS, pairwiseJudgeTasks } from '../judges/judge-pairwise.js';
import { RATING_LABELS, ratingVerdict } from '../judges/judge-pointwise.js';
import { responseJudgeBuilder, type PreparedJudge } from '../judges/judge-task.js';
import type { LabelSpec } from '../judges/label-tokens.js';
import { VERIFIER_LABELS, verifierVerdict } from '../judges/verifier.js';
import { RESPONSE_METHOD_NAMES } from '../rewards/response-methods.js';
import type { TaskBuilder } from '../tasks/work-item.js';

/** What the registry knows of a judge: its verdict labels, how it turns a record into work, the lines it writes. */
export interface JudgeKind {
  labels: LabelSpec[];
  tasks(judge: PreparedJudge): TaskBuilder;
  /** The scores.jsonl lines it writes: scores on response lines, or one comparison line per chosen × rejected cell. */
  lines: 'response' | 'comparison';
}

/** The LLM-as-a-judge baselines, asked of the same model. A new judge is one entry here plus its module in judges/. */
export const JUDGES: Readonly<Record<string, JudgeKind>> = {
  'judge-pairwise': { labels: PAIRWISE_LABELS, tasks: pairwiseJudgeTasks, lines: 'comparison' },
  'judge-pointwise': { labels: RATING_LABELS, tasks: (j) => responseJudgeBuilder(j, ratingVerdict), lines: 'response' },
  verifier: { labels: VERIFIER_LABELS, tasks: (j) => responseJudgeBuilder(j, verifierVerdict), lines: 'response' },
};

/** `--methods judge-pairwise,judge-pointwise,verifier`. */
export const JUDGE_METHOD_NAMES = Object.keys(JUDGES);

/** Every name `--methods` takes: per-response methods (rewards/response-methods.ts), then judges. */
export const METHOD_NAMES = [...RESPONSE_METHOD_NAMES, ...JUDGE_METHOD_NAMES];

export function isJudgeMethod(name: string): boolean {
  return name in JUDGES;
}
