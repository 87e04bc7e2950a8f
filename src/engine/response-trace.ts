import type { PositionRequest, PositionResult } from './scoring-session.js';
import type { TokenTrace } from './token-trace.js';

/** A response ready for the model: prompt + response ids and where the response starts. */
export interface ScoringInput {
  ids: number[];
  responseStart: number;
}

/**
 * The positions to read for a response: each state s_h (the token before a_h) with a_h as target, plus the state after
 * the last token (its target is arbitrary) so that terminal `keep` has V(s_{T+1}).
 */
export function responseRequest(input: ScoringInput): PositionRequest {
  const { ids, responseStart } = input;
  if (responseStart < 1) throw new RangeError('a scored response needs at least one prompt token before it');
  const positions: number[] = [];
  const targets: number[] = [];
  for (let p = responseStart - 1; p < ids.length - 1; p++) {
    positions.push(p);
    targets.push(ids[p + 1]);
  }
  positions.push(ids.length - 1);
  targets.push(0);
  return { ids, positions, targets };
}

export function responseTrace(input: ScoringInput, result: PositionResult, alphas: number[]): TokenTrace {
  const T = input.ids.length - input.responseStart;
  return {
    tokens: Int32Array.from(input.ids.slice(input.responseStart)),
    logits: result.logits.slice(0, T),
    logSumExp: result.logSumExp,
    alphas,
  };
}
