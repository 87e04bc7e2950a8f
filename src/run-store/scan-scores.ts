import fs from 'node:fs/promises';
import { decodeUtf8, readLines } from '../datasets/line-reader.js';
import { scoreLineProblem, scoreValueProblem } from './read-score-lines.js';
import { RunFolderError } from './run-folder-error.js';
import type { ScoreRecord } from './score-record.js';


export interface ScoreFileScan {
  /** Byte length of the leading whole lines; a torn last line lies beyond it and is to be cut. */
  validBytes: number;
  /** 1-based number of a torn last line (unterminated, or not a score record), else null. */
  tornLine: number | null;
  /** Per record (pair key), the slots its lines fill: responseSlot() and comparisonSlot() strings. */
  records: Map<string, Set<string>>;
}

export function responseSlot(role: string, index: number): string {
  return `${role}/${index}`;
}

export function comparisonSlot(chosen: number, rejected: number): string {
  return `comparison/${chosen}:${rejected}`;
}

export function isComparisonSlot(slot: string): boolean {
  return slot.startsWith('comparison/');
}

/**
 * Reads scores.jsonl for resuming or merging. Like the report reader, it accepts a torn last line (the writer died
 * mid-line) and refuses a bad line anywhere else; unlike it, a last line without its LF counts as torn too, since the
 * write that made it did not finish.
 */
export async function scanScoreFile(file: string): Promise<ScoreFileScan> {
  const scan: ScoreFileScan = { validBytes: 0, tornLine: null, records: new Map() };
  const exists = await fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!exists) return scan;
  let pending: { line: number; reason: string } | null = null;
  for await (const { line, bytes, end, terminated } of readLines(file)) {
    const text = decodeUtf8(bytes);
    if (text !== undefined && text.trim() === '' && terminated) {
      if (!pending) scan.validBytes = end;
      continue;
    }
    if (pending) throw new RunFolderError(`${file}:${pending.line}: ${pending.reason} (only the last line may be torn)`, file);
    const problem = !terminated ? 'unterminated' : text === undefined ? 'invalid UTF-8' : lineProblem(text);
    if (problem) {
      pending = { line, reason: problem };
      continue;
    }
    const record = JSON.parse(text!) as ScoreRecord;
    const bad = scoreValueProblem(record);
    if (bad) throw new RunFolderError(`${file}:${line}: ${bad}`, file);
    addLine(scan, record);
    scan.validBytes = end;
  }
  scan.tornLine = pending?.line ?? null;
  return scan;
}

function lineProblem(text: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  return scoreLineProblem(value);
}

function addLine(scan: ScoreFileScan, record: ScoreRecord): void {
  let slots = scan.records.get(record.pair);
  if (!slots) scan.records.set(record.pair, (slots = new Set()));
  slots.add(record.type === 'response' ? responseSlot(record.role, record.index) : comparisonSlot(record.chosen, record.rejected));
}
