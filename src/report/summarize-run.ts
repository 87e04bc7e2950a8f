import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BootstrapOptions } from '../benchmarks/bootstrap.js';
import type { MethodSummary } from '../benchmarks/method-summary.js';
import { ScoreRecordStore } from '../benchmarks/record-store.js';
import { summarizeMethods } from '../benchmarks/summarize-methods.js';
import type { RunManifest } from '../run/run-manifest.js';
import { summarizeTraces } from '../traces/trace-summary.js';
import { readScoreLines } from './read-score-lines.js';
import { missingDomainNote } from './summary-rows.js';
import { RunFolderError } from './run-folder-error.js';
import type { RunSummary, RunTiming } from './run-summary.js';

export interface SummarizeRunOptions {
  /** Timing known to the caller (the scorer); fields given here win over an existing summary.json's. */
  timing?: Partial<RunTiming>;
  /** Records the scorer skipped; default: an existing summary.json's count, else 0. */
  skipped?: number;
  /** Notes from the caller, listed before the ones derived from the scores. */
  notes?: string[];
  bootstrap?: BootstrapOptions;
  /** Seconds the scorer spent writing token traces; default: an existing summary.json's. */
  traceWriteSeconds?: number;
}

/** Reads and minimally checks `run.json`, with errors that name the path. */
export async function readRunManifest(runDir: string): Promise<RunManifest> {
  const info = await stat(runDir).catch(() => null);
  if (!info) throw new RunFolderError(`run folder not found: ${runDir}`, runDir);
  if (!info.isDirectory()) throw new RunFolderError(`not a run folder (not a directory): ${runDir}`, runDir);
  const file = join(runDir, 'run.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new RunFolderError(`no run.json in ${runDir}: not an endorm run folder (missing ${file})`, file);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new RunFolderError(`${file} is not valid JSON: ${(error as Error).message}`, file);
  }
  const m = manifest as Partial<RunManifest> | null;
  if (!m || typeof m !== 'object' || !m.model || !m.dataset || !m.settings || !Array.isArray(m.settings.methods)) {
    throw new RunFolderError(`${file} is not an endorm run manifest (needs model, dataset and settings.methods)`, file);
  }
  return manifest as RunManifest;
}

/**
 * Rebuilds a run's summary from `run.json` and `scores.jsonl` alone. Timing and the skipped count cannot be derived
 * from the scores, so they come from `options`, else from the summary.json already in the folder, else null / 0.
 */
export async function summarizeRun(runDir: string, options: SummarizeRunOptions = {}): Promise<RunSummary> {
  const manifest = await readRunManifest(runDir);
  const previous = await readPreviousSummary(join(runDir, 'summary.json'));
  const notes = [...(options.notes ?? [])];

  const store = new ScoreRecordStore();
  const scoresFile = join(runDir, 'scores.jsonl');
  const scoresExist = await stat(scoresFile).then(
    (s) => s.isFile(),
    () => false,
  );
  if (scoresExist) {
    const read = await readScoreLines(scoresFile, (record) => store.add(record));
    if (read.tornLine !== null) {
      notes.push(`scores.jsonl line ${read.tornLine} is incomplete (the run stopped mid-write) and was ignored.`);
    }
  } else {
    notes.push('scores.jsonl is missing: nothing has been scored yet.');
  }
  if (store.duplicates > 0) {
    notes.push(`${store.duplicates} score line(s) repeated an earlier response or comparison; the later line was kept.`);
  }

  const methods = summarizeMethods(store, {
    methods: manifest.settings.methods,
    datasetKind: manifest.dataset.kind,
    ...(options.bootstrap ? { bootstrap: options.bootstrap } : {}),
  });
  const storeCounts = store.counts();
  notes.push(...methodNotes(methods, manifest, storeCounts.pairs));
  if (storeCounts.truncated > 0) {
    notes.push(`${storeCounts.truncated} score line(s) were cut to --max-length ${manifest.settings.maxLength}.`);
  }

  const seconds = options.timing?.seconds ?? previous.timing?.seconds ?? null;
  const timing: RunTiming = {
    startedAt: options.timing?.startedAt ?? previous.timing?.startedAt ?? null,
    finishedAt: options.timing?.finishedAt ?? previous.timing?.finishedAt ?? null,
    seconds,
  };
  const tokensPerSecond =
    options.timing?.tokensPerSecond ??
    previous.timing?.tokensPerSecond ??
    (seconds !== null && seconds > 0 && storeCounts.tokens > 0 ? storeCounts.tokens / seconds : undefined);
  if (tokensPerSecond !== undefined) timing.tokensPerSecond = tokensPerSecond;
  const traced = await summarizeTraces(runDir, options.traceWriteSeconds ?? previous.traceWriteSeconds ?? null);
  notes.push(...traced.notes);

  return {
    ...manifest,
    counts: {
      pairs: storeCounts.pairs,
      responses: storeCounts.responses,
      truncated: storeCounts.truncated,
      skipped: options.skipped ?? previous.skipped ?? 0,
      tokens: storeCounts.tokens,
    },
    timing,
    ...(traced.traces ? { traces: traced.traces } : {}),
    methods,
    notes,
  };
}

function methodNotes(methods: Record<string, MethodSummary>, manifest: RunManifest, records: number): string[] {
  const declared = manifest.settings.methods;
  const notes: string[] = [];
  for (const [spec, method] of Object.entries(methods)) {
    if (!declared.includes(spec)) notes.push(`${spec} has scores but is not among run.json's methods.`);
    if (records === 0) continue;
    if (method.pairs === 0) notes.push(`${spec}: no record has every score this method needs; no accuracy.`);
    else if (method.incomplete > 0) {
      notes.push(`${spec}: ${method.incomplete} of ${records} records lack a score this method needs and are not counted.`);
    }
  }
  const missing = new Map<string, string[]>();
  for (const [spec, method] of Object.entries(methods)) {
    const rm = method.rmBench;
    if (!rm || method.pairs === 0 || rm.missingDomains.length === 0) continue;
    const key = rm.missingDomains.join(', ');
    missing.set(key, [...(missing.get(key) ?? []), spec]);
  }
  const counted = Object.values(methods).filter((m) => m.rmBench && m.pairs > 0).length;
  for (const [domains, specs] of missing) {
    const who = specs.length === counted ? 'RM-Bench' : `RM-Bench (${specs.join(', ')})`;
    notes.push(`${who}: ${domains.split(', ').map((d) => `${d}: ${missingDomainNote(manifest, d)}`).join('; ')}. Overall scores average the present domains only.`);
  }
  for (const [spec, method] of Object.entries(methods)) {
    const unassigned = method.rmBench?.unassignedRecords ?? 0;
    if (unassigned > 0) notes.push(`${spec}: ${unassigned} record(s) have no RM-Bench domain group and are left out of the RM-Bench scores.`);
  }
  return notes;
}

interface PreviousSummary {
  timing?: Partial<RunTiming>;
  skipped?: number;
  traceWriteSeconds?: number;
}

async function readPreviousSummary(file: string): Promise<PreviousSummary> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    // No summary yet, or a damaged one: it is about to be rewritten, and timing is only a convenience.
    return {};
  }
  const result: PreviousSummary = {};
  const summary = parsed as { timing?: Record<string, unknown>; counts?: Record<string, unknown> } | null;
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
  const traceWriteSeconds = (summary as { traces?: { writeSeconds?: unknown } } | null)?.traces?.writeSeconds;
  if (typeof traceWriteSeconds === 'number') result.traceWriteSeconds = traceWriteSeconds;
  return result;
}
