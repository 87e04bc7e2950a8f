import type { BootstrapOptions } from '../benchmarks/bootstrap.js';
import type { HeadlineSummary, MethodSummary, RunSummary } from '../benchmarks/method-summary.js';
import { selectOnDev, type GridSelection, type SelectionMeasure } from '../benchmarks/grid-selection.js';
import type { BenchmarkProtocol, Headline } from '../protocols/protocol.js';
import { readGrid } from './grid-table.js';
import { ScoreRecordStore } from '../benchmarks/record-store.js';
import { summarizeMethods } from '../benchmarks/summarize-methods.js';
import { protocolOfKind } from '../protocols/registry.js';
import { readScoreLines } from '../run-store/read-score-lines.js';
import { readRunManifest, type RunManifest } from '../run-store/run-manifest.js';
import type { RunTiming } from '../run-store/run-summary.js';
import { hasScores, scoresPath } from '../run-store/scores-file.js';
import { readCarriedOver } from '../run-store/summary-file.js';
import { summarizeTraces } from '../run-store/trace-summary.js';

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

/**
 * Rebuilds a run's summary from `run.json` and `scores.jsonl` alone. Timing and the skipped count cannot be derived
 * from the scores, so they come from `options`, else from the summary.json already in the folder, else null / 0.
 */
export async function summarizeRun(runDir: string, options: SummarizeRunOptions = {}): Promise<RunSummary> {
  const manifest = await readRunManifest(runDir);
  const previous = await readCarriedOver(runDir);
  const notes = [...(options.notes ?? [])];

  const store = new ScoreRecordStore();
  if (await hasScores(runDir)) {
    const read = await readScoreLines(scoresPath(runDir), (record) => store.add(record));
    if (read.tornLine !== null) {
      notes.push(`scores.jsonl line ${read.tornLine} is incomplete (the run stopped mid-write) and was ignored.`);
    }
  } else {
    notes.push('scores.jsonl is missing: nothing has been scored yet.');
  }
  if (store.duplicates > 0) {
    notes.push(`${store.duplicates} score line(s) repeated an earlier response or comparison; the later line was kept.`);
  }

  const protocol = protocolOfKind(manifest.dataset.kind);
  const methods = withHeadlines(
    summarizeMethods(store, {
      methods: manifest.settings.methods,
      protocol,
      ...(manifest.settings.reference !== undefined ? { reference: manifest.settings.reference } : {}),
      ...(readGrid(manifest.settings['grid']) ? { grid: true } : {}),
      ...(options.bootstrap ? { bootstrap: options.bootstrap } : {}),
    }),
    protocol.headline,
  );
  const selection = gridSelection(store, manifest, methods, protocol, options.bootstrap);
  const storeCounts = store.counts();
  notes.push(...methodNotes(methods, manifest, storeCounts.pairs));
  notes.push(...(protocol.notes?.(methods, manifest) ?? []));
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

  // The seal guards run.json against edits; the summary describes the run, it does not repeat it.
  const { settingsSha256: _seal, ...described } = manifest;
  return {
    ...described,
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
    ...(selection ? { selection } : {}),
    notes,
  };
}

/** `--select-on` (settings.selectOn): the grid's setting chosen on one part of the records, reported on the other. */
function gridSelection(
  store: ScoreRecordStore,
  manifest: RunManifest,
  methods: Record<string, MethodSummary>,
  protocol: BenchmarkProtocol,
  bootstrap: BootstrapOptions | undefined,
): GridSelection | undefined {
  const grid = readGrid(manifest.settings['grid']);
  const selectOn = manifest.settings.selectOn;
  if (!grid || !selectOn) return undefined;
  const headline = protocol.headline;
  const measure: SelectionMeasure =
    headline && Object.values(methods).some((m) => headline.value(m) !== undefined)
      ? { title: headline.title, value: (m) => headline.value(m), ci95: (m) => headline.ci95?.(m) }
      : { title: 'accuracy', value: (m) => m.accuracy, ci95: (m) => m.ci95 };
  return selectOnDev(store, { grid, selectOn, methods, measure, protocol, ...(bootstrap ? { bootstrap } : {}) });
}

/** Each method's summary led by the protocol's headline, where the protocol has one and the method a value for it. */
function withHeadlines(methods: Record<string, MethodSummary>, headline: Headline | undefined): Record<string, MethodSummary> {
  if (!headline) return methods;
  return Object.fromEntries(
    Object.entries(methods).map(([spec, m]) => {
      const value = headline.value(m);
      if (value === undefined) return [spec, m];
      const parts = headline.parts?.(m);
      const summary: HeadlineSummary = { title: headline.title, value, ci95: headline.ci95?.(m) ?? null, ...(parts ? { parts } : {}) };
      return [spec, { headline: summary, ...m }];
    }),
  );
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
  return notes;
}
