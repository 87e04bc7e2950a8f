import type { ResponseVerdict } from './judge-task.js';
import { logSumExp, normalize, type LabelSpec } from './label-tokens.js';

/** "Yes" and "No", each with its case and leading-space variants summed. */
export const VERIFIER_LABELS: LabelSpec[] = [
  { label: 'Yes', variants: ['Yes', ' Yes', 'yes', ' yes'] },
  { label: 'No', variants: ['No', ' No', 'no', ' no'] },
];

/** What `extra[spec]` of a verifier's response line holds. */
export interface VerifierExtra {
  /** P(Yes) / (P(Yes) + P(No)). */
  pYes: number;
  /** P(Yes) + P(No) before renormalising. */
  labelMass: number;
}

/** Log-probabilities are floored here so that the score stays a finite number (JSON has no infinity). */
const LOG_FLOOR = -1e4;

/** log P(Yes) − log P(No), each floored at −10⁴. */
export function verifierVerdict(logProbs: number[]): ResponseVerdict & { extra: VerifierExtra } {
  const [yes, no] = logProbs as [number, number];
  const score = Math.max(yes, LOG_FLOOR) - Math.max(no, LOG_FLOOR);
  return { score, extra: { pYes: normalize(logProbs)[0]!, labelMass: Math.exp(logSumExp(logProbs)) } };
}
