import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_FILES } from './run-files.js';
import { RunFolderError } from './run-folder-error.js';
import type { RunTiming } from './run-summary.js';

const TOP_LEVEL = ['endorm', 'createdAt', 'model', 'dataset', 'settings', 'counts', 'timing', 'methods', 'notes'];

/** summary.json text: top-level keys in a fixed order whoever built the object, then any extra ones; 2-space indent. */
export function summaryJson(summary: object): string {
  const source = summary as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of TOP_LEVEL) if (key in source) ordered[key] = source[key];
  for (const key of Object.keys(source)) if (!(key in ordered)) ordered[key] = source[key];
  return `${compactNumberArrays(JSON.stringify(ordered, null, 2))}\n`;
}

/** Puts arrays of plain numbers (a CI, a matrix row) on one line: 2-space JSON would spread a 3x3 matrix over 15. */
function compactNumberArrays(json: string): string {
  return json.replace(/\[\s+(-?[\d.eE+-]+(?:,\s+-?[\d.eE+-]+)*)\s+\]/g, (_, inner: string) => `[${inner.replace(/,\s+/g, ', ')}]`);
}

/** A run folder's summary.json as written, or undefined when it has none or a damaged one. */
export async function readSummaryFile(runDir: string): Promise<Record<string, unknown> | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(runDir, RUN_FILES.summary), 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A run folder's summary.json, which must be there (a command reads it back after writing it). */
export async function readSummary(runDir: string): Promise<Record<string, any>> {
  const summary = await readSummaryFile(runDir);
  const file = join(runDir, RUN_FILES.summary);
  if (!summary) throw new RunFolderError(`${file} is missing or not a JSON object`, file);
  return summary;
}

/** What an earlier summary.json knows that the scores do not: the scorer's timing, skipped records, trace write time. */
export interface CarriedOver {
  timing?: Partial<RunTiming>;
  skipped?: number;
  traceWriteSeconds?: number;
}

/** The carried-over parts of a folder's summary.json; none when it has none, or a damaged one (it is about to be rewritten). */
export async function readCarriedOver(runDir: string): Promise<CarriedOver> {
  const summary = (await readSummaryFile(runDir)) as { timing?: Record<string, unknown>; counts?: Record<string, unknown>; traces?: { writeSeconds?: unknown } } | undefined;
  const result: CarriedOver = {};
  const timing = summary?.timing;
  if (timing && typeof timing === 'object') {
    result.timing = {};
    if (typeof timing['startedAt'] === 'string') result.timing.startedAt = timing['startedAt'];
    if (typeof timing['finishedAt'] === 'string') result.timing.finishedAt = timing['finishedAt'];
    if (typeof timing['seconds'] === 'number') result.timing.seconds = timing['seconds'];
    if (typeof timing['tokensPerSecond'] === 'number') result.timing.tokensPerSecond = timing['tokensPerSecond'];
  }
  const skipped = summary?.counts?.['skipped'];
  if (typeof skipped === 'number') result.skipped = skipped;
  const traceWriteSeconds = summary?.traces?.writeSeconds;
  if (typeof traceWriteSeconds === 'number') result.traceWriteSeconds = traceWriteSeconds;
  return result;
}
