import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { RunFolderError } from './run-folder-error.js';
import type { ScoreRecord } from './score-record.js';

export interface ReadScoreLinesResult {
  /** Non-blank lines read, the torn one included. */
  lines: number;
  /** 1-based line number of an unparseable last line that was ignored (a crash mid-write), else null. */
  tornLine: number | null;
}

/**
 * Streams `scores.jsonl` line by line. Only the last line may fail to parse (the writer died mid-line); a bad line
 * anywhere else means the file is damaged, so it is an error rather than a silently missing record.
 */
export async function readScoreLines(file: string, onRecord: (record: ScoreRecord) => void): Promise<ReadScoreLinesResult> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let count = 0;
  let pending: { line: number; reason: string } | null = null;
  try {
    for await (const text of lines) {
      lineNumber++;
      if (text.trim() === '') continue;
      if (pending) {
        throw new RunFolderError(`${file}:${pending.line}: ${pending.reason} (only the last line may be torn)`, file);
      }
      count++;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        pending = { line: lineNumber, reason: 'not valid JSON' };
        continue;
      }
      const problem = scoreLineProblem(value);
      if (problem) {
        // A torn line can still parse (e.g. cut right after a number), so a last line that is not a record is torn too.
        pending = { line: lineNumber, reason: problem };
        continue;
      }
      // A whole record with a score that is no number is no torn write but an edit or damage, wherever it is.
      const bad = scoreValueProblem(value as ScoreRecord);
      if (bad) throw new RunFolderError(`${file}:${lineNumber}: ${bad}`, file);
      onRecord(value as ScoreRecord);
    }
  } finally {
    lines.close();
    input.destroy();
  }
  return { lines: count, tornLine: pending ? pending.line : null };
}

/**
 * Why a record's scores are not what endorm writes, or null: every score is a number, or null, which is how JSON
 * writes a NaN or ±Inf that the model returned for that response (it counts as no score, as in the reports).
 */
export function scoreValueProblem(record: ScoreRecord): string | null {
  for (const [spec, value] of Object.entries(record.scores)) {
    if (value !== null && typeof value !== 'number') return `field "scores.${spec}": ${JSON.stringify(value)} is not a number`;
  }
  return null;
}

/** Why a parsed line is not a score record, or null when it is one. */
export function scoreLineProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  if (typeof record['pair'] !== 'string') return 'no "pair" string';
  if (typeof record['scores'] !== 'object' || record['scores'] === null) return 'no "scores" object';
  if (record['type'] === 'response') {
    if (record['role'] !== 'chosen' && record['role'] !== 'rejected') return 'response line without a chosen/rejected role';
    if (!Number.isInteger(record['index'])) return 'response line without an integer index';
    return null;
  }
  if (record['type'] === 'comparison') {
    if (!Number.isInteger(record['chosen']) || !Number.isInteger(record['rejected'])) {
      return 'comparison line without integer chosen/rejected indices';
    }
    return null;
  }
  return `unknown line type ${JSON.stringify(record['type'])}`;
}
