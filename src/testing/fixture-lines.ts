import type { ComparisonScoreRecord, ResponseScoreRecord } from '../run-store/score-record.js';

/** Response lines of one record: chosen[i] and rejected[j] are per-method score maps. Shared by the tests. */
export function responseLines(
  pair: string,
  group: string | undefined,
  chosen: Record<string, number>[],
  rejected: Record<string, number>[],
): ResponseScoreRecord[] {
  const line = (role: 'chosen' | 'rejected', index: number, scores: Record<string, number>): ResponseScoreRecord => ({
    type: 'response',
    pair,
    id: pair,
    ...(group !== undefined ? { group } : {}),
    role,
    index,
    tokens: 10,
    chars: 40,
    truncated: false,
    scores,
  });
  return [...chosen.map((s, i) => line('chosen', i, s)), ...rejected.map((s, j) => line('rejected', j, s))];
}

/** Response lines for a single method given plain score arrays. */
export function singleMethodLines(
  method: string,
  pair: string,
  group: string | undefined,
  chosen: number[],
  rejected: number[],
): ResponseScoreRecord[] {
  return responseLines(
    pair,
    group,
    chosen.map((score) => ({ [method]: score })),
    rejected.map((score) => ({ [method]: score })),
  );
}

export function comparisonLine(
  pair: string,
  chosen: number,
  rejected: number,
  scores: Record<string, number>,
  group?: string,
): ComparisonScoreRecord {
  return {
    type: 'comparison',
    pair,
    id: pair,
    ...(group !== undefined ? { group } : {}),
    chosen,
    rejected,
    truncated: false,
    scores,
  };
}
