import fs from 'node:fs/promises';
import path from 'node:path';
import { rescoreMethods } from '../methods/plan-methods.js';
import { checkReference } from '../methods/reference-method.js';
import { explainMissingTraces } from '../methods/traced-methods.js';
import type { MethodGrid } from '../rewards/method-grid.js';
import { MethodSpecError } from '../rewards/method-spec.js';
import type { ResponseMethod } from '../rewards/response-methods.js';
import { writeFault } from '../util/cannot-write-error.js';
import { locateTraces } from '../run-store/locate-traces.js';
import { readScoreLines } from '../run-store/read-score-lines.js';
import { pathExists, RUN_FILES } from '../run-store/run-files.js';
import { RunFolderError } from '../run-store/run-folder-error.js';
import { readRunManifest, writeManifest, type RunManifest } from '../run-store/run-manifest.js';
import type { ResponseScoreRecord } from '../run-store/score-record.js';
import { removeScores, scoresPath } from '../run-store/scores-file.js';
import { clearComplete } from '../run-store/run-complete.js';
import { isOrphanTemp } from '../run-store/run-lock.js';
import { SettingsError } from './settings-error.js';
import { ScoresWriter } from '../run-store/scores-writer.js';
import { runProvenance } from '../run-store/run-provenance.js';
import { TraceSource } from '../run-store/trace-source.js';
import { endormBuild } from '../util/version.js';

export interface RescoreRunOptions {
  /** The run folder whose token traces are rescored. */
  run: string;
  /** Method specs to compute (grid cells included, see withGridMethods). */
  methods: string[];
  grid?: MethodGrid;
  /** `--select-on dev:FRACTION`: the grid's setting chosen on this share of the records (split by the run's seed). */
  selectOn?: number;
  /** The method the paired tests compare the others with (one of `methods`); default: the first endorm method. */
  reference?: string;
  /** New run folder; default `<run>-rescore-<time>`. */
  out?: string;
  /** The command line that asked for the rescore, recorded in the new run.json. */
  argv?: readonly string[];
  now?: Date;
}

export interface RescoreRunResult {
  runDir: string;
  startedAt: Date;
  /** What the new run's summary must say about where its scores come from. */
  notes: string[];
  /** Where the traces were read from: the run, the run it was itself rescored from, or the shards it was merged from. */
  tracesDirs: string[];
  responses: number;
  /** Response lines of the run that have no trace (not rescored; their records count as incomplete). */
  missingTraces: number;
  seconds: number;
}

const APPEND_EVERY = 1024;

/**
 * Per-response methods recomputed from a run's token traces with no model, into a new run folder (run.json and
 * scores.jsonl; api/rescore-run.ts adds the summary and reports).
 */
export async function rescoreTraces(o: RescoreRunOptions): Promise<RescoreRunResult> {
  const startedAt = o.now ?? new Date();
  const started = performance.now();
  const manifest = await readRunManifest(o.run);
  const tracesDirs = await locateTraces(o.run, manifest).catch((err: unknown) => {
    throw explainMissingTraces(err, o.run, manifest.settings.methods);
  });
  const traces = await TraceSource.open(tracesDirs);
  let methods: ResponseMethod[];
  try {
    methods = rescoreMethods(o.methods, traces.alphas.length ? traces.alphas : manifest.settings.alphas, o.run);
    checkReference(o.reference, o.methods);
  } catch (err) {
    await traces.close();
    throw err;
  }

  try {
    return await rescoreFromTraces(o, manifest, traces, tracesDirs, methods, { startedAt, started });
  } finally {
    await traces.close();
  }
}

async function rescoreFromTraces(
  o: RescoreRunOptions,
  manifest: RunManifest,
  traces: TraceSource,
  tracesDirs: string[],
  methods: ResponseMethod[],
  clock: { startedAt: Date; started: number },
): Promise<RescoreRunResult> {
  const { startedAt, started } = clock;
  const responses = new Map<string, ResponseScoreRecord>();
  let comparisons = 0;
  const scoresFile = scoresPath(o.run);
  await readScoreLines(scoresFile, (record) => {
    if (record.type === 'response') responses.set(`${record.pair}\u0000${record.role}\u0000${record.index}`, record);
    else comparisons++;
  }).catch((err) => {
    throw err instanceof RunFolderError ? err : new RunFolderError(`cannot read ${scoresFile}: ${(err as Error).message}`, scoresFile);
  });

  // Before anything is written: a rescore covers every response of the run, or none.
  let untraced = 0;
  let first: ResponseScoreRecord | undefined;
  for (const record of responses.values()) {
    if (traces.entry(record)) continue;
    untraced++;
    first ??= record;
  }
  if (untraced > 0) {
    throw new RunFolderError(
      `${o.run}: ${untraced} of ${responses.size} responses have no token trace (first: ${first!.pair} ${first!.role}[${first!.index}]), ` +
        `so a rescore would cover only part of the run; finish or repair it first (endorm score --resume ${o.run} traces them again)`,
      o.run,
    );
  }
  const out = o.out ?? (await defaultRescoreDir(o.run, startedAt));
  await prepareOutDir(out, o.run);
  await writeManifest(out, await rescoreManifest(manifest, o, startedAt, out));
  const writer = await ScoresWriter.open(out);
  let missingTraces = 0;
  let rescored = 0;
  try {
    let batch: ResponseScoreRecord[] = [];
    for (const record of responses.values()) {
      const entry = traces.entry(record);
      if (!entry) {
        missingTraces++;
        continue;
      }
      if (entry.tokens !== record.tokens) {
        throw new RunFolderError(
          `${scoresFile}: ${record.pair} ${record.role}[${record.index}] has ${record.tokens} tokens but its trace has ${entry.tokens}: the traces belong to another scoring of this response`,
          scoresFile,
        );
      }
      const trace = (await traces.read(record))!;
      const scores: Record<string, number> = {};
      for (const m of methods) scores[m.spec] = m.alphas.length > 0 ? m.score({ trace, text: '' }) : carriedScore(m, record);
      const { extra: _extra, scores: _old, ...rest } = record;
      batch.push({ ...rest, scores });
      rescored++;
      if (batch.length >= APPEND_EVERY) {
        await writer.append(batch);
        batch = [];
      }
    }
    await writer.append(batch);
  } finally {
    await writer.close();
  }

  const seconds = (performance.now() - started) / 1000;
  const notes = [`Rescored from the token traces of ${tracesDirs.map((d) => path.resolve(d)).join(', ')} without the model: ${rescored} responses in ${seconds.toFixed(2)} s.`];
  if (missingTraces > 0) notes.push(`${missingTraces} response(s) of ${o.run} have no token trace and were not rescored.`);
  if (comparisons > 0) notes.push(`${comparisons} pairwise judge line(s) were left out: judges need the model and cannot be rescored from traces.`);
  return { runDir: out, tracesDirs, responses: rescored, missingTraces, seconds, startedAt, notes };
}

/** Methods that do not read the model (length) are carried over; `length` is the character count every line keeps. */
function carriedScore(m: ResponseMethod, record: ResponseScoreRecord): number {
  const old = record.scores[m.spec];
  if (typeof old === 'number') return old;
  if (m.name === 'length') return record.chars;
  throw new MethodSpecError(`${m.spec} does not read token traces and was not scored in the original run, so it cannot be rescored`);
}

/**
 * The source run's manifest with the new methods. The model, dataset and device stay the source's (its traces hold
 * what they computed); endorm, the command and the versions are this rescore's.
 */
async function rescoreManifest(manifest: RunManifest, o: RescoreRunOptions, now: Date, out: string): Promise<RunManifest> {
  // The grid, the judges, the reference and the source describe the run being rescored, not the new one.
  const { grid: _grid, rescoredFrom: _from, judges: _judges, reference: _reference, selectOn: _selectOn, ...settings } = manifest.settings;
  const { mergedFrom: _merged, ...rest } = manifest as RunManifest & { mergedFrom?: unknown };
  const source = manifest.provenance?.device;
  return {
    ...rest,
    endorm: await endormBuild(),
    createdAt: now.toISOString(),
    settings: {
      ...settings,
      methods: [...o.methods],
      ...(o.grid ? { grid: o.grid } : {}),
      ...(o.reference !== undefined ? { reference: o.reference } : {}),
      ...(o.selectOn !== undefined ? { selectOn: { fraction: o.selectOn, seed: manifest.settings.seed ?? 0 } } : {}),
      rescoredFrom: path.resolve(o.run),
    },
    provenance: {
      ...runProvenance({ ...(o.argv ? { argv: o.argv } : {}), out: { ...(o.out !== undefined ? { given: o.out } : {}), path: out } }),
      ...(source ? { device: source } : {}),
    },
  };
}

/** `<run>-rescore-<time>`, numbered when taken. */
export async function defaultRescoreDir(run: string, now: Date): Promise<string> {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const base = `${run.replace(/[\\/]+$/, '')}-rescore-${stamp}`;
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    if (!(await pathExists(dir))) return dir;
  }
}

/** Refuses an `--out` a rescore may not write: the run itself, a file, a folder with other files or a scored run. */
export async function checkRescoreOut(out: string, run: string): Promise<void> {
  await prepareOutDir(out, run, false);
}

/** A rescore may replace an earlier rescore's folder, never a scored run (its scores cost a model pass). */
async function prepareOutDir(out: string, run: string, clear = true): Promise<void> {
  if (path.resolve(out) === path.resolve(run)) throw new SettingsError(`--out ${out} is the run being rescored; choose a new folder`);
  if (!(await pathExists(out))) return;
  let names: string[];
  try {
    names = await fs.readdir(out);
  } catch (err) {
    throw writeFault(err, out, 'give another --out');
  }
  names = names.filter((n) => n !== RUN_FILES.lock && !isOrphanTemp(n));
  if (names.length === 0) return;
  let earlier: RunManifest | undefined;
  try {
    earlier = await readRunManifest(out);
  } catch {
    earlier = undefined;
  }
  if (!earlier || typeof earlier.settings['rescoredFrom'] !== 'string') {
    throw new RunFolderError(`--out ${out} is not empty and is not an earlier rescore; choose a new folder`, out);
  }
  if (clear) {
    await clearComplete(out);
    await removeScores(out);
  }
}
