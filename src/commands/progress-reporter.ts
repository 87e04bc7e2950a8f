import cliProgress from 'cli-progress';
import { duration } from '../render/format.js';
import type { ScoreProgress } from '../run/score-pairs.js';
import { drawsBars } from './terminal.js';

export interface ProgressReporter {
  update(p: ScoreProgress): void;
  stop(): void;
}

export interface ProgressReporterOptions {
  quiet?: boolean;
  label?: string;
  /** Where progress goes (default stderr, so that stdout stays parseable under --json). */
  stream?: NodeJS.WriteStream;
  /** Seconds between plain lines (default 5). */
  every?: number;
  /** The environment (default process.env): `CI` set means plain lines even on a terminal. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A bar with records/s, tokens/s and an ETA on a terminal; a plain line every few seconds otherwise (no terminal, or
 * `CI` set: a CI log keeps every redraw of a bar); nothing with --quiet. The bar and the ETA follow `partialPairs`,
 * which moves with every batch, not only when a record's last response is back; the ETA needs the run's `total`.
 */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  if (options.quiet) return { update() {}, stop() {} };
  const stream = options.stream ?? process.stderr;
  const label = options.label ?? 'scoring';
  if (drawsBars(stream, options.env)) {
    let bar: cliProgress.SingleBar | undefined;
    return {
      update(p) {
        // Drawn from the first update on, so that download bars and status lines before scoring never interleave with it.
        if (!bar) {
          const format = p.total !== undefined
            ? `${label} {bar} {doneText}/{total} records | {ratesText} | ETA {etaText}`
            : `${label} {doneText} records | {ratesText} | {elapsedText}`;
          bar = new cliProgress.SingleBar({ stream, format, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
          bar.start(p.total ?? 0, 0, payload(p));
        }
        bar.update(p.partialPairs, payload(p));
      },
      stop() {
        bar?.stop();
        bar = undefined;
      },
    };
  }
  const every = (options.every ?? 5) * 1000;
  let last = Date.now();
  return {
    update(p) {
      const now = Date.now();
      if (p.partialPairs === 0 || now - last < every) return;
      last = now;
      stream.write(`endorm: ${progressLine(p)}\n`);
    },
    stop() {},
  };
}

/** `120/1,284 records (9.3%), 3.1 records/s, 4,210 tok/s, ETA 6 min 16 s`: what a plain progress line says. */
export function progressLine(p: ScoreProgress): string {
  const done = Math.floor(p.partialPairs);
  const { ratesText: rates, etaText: eta } = payload(p);
  if (p.total === undefined) return `${done.toLocaleString('en-US')} records, ${rates}, ${duration(p.seconds)} so far`;
  const share = p.total > 0 ? ` (${((100 * p.partialPairs) / p.total).toFixed(1)}%)` : '';
  return `${done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} records${share}, ${rates}, ETA ${eta}`;
}

/** Seconds left at the rate so far; undefined before anything is done or without a total. */
export function etaSeconds(p: ScoreProgress): number | undefined {
  if (p.total === undefined || p.partialPairs <= 0 || p.seconds <= 0) return undefined;
  return Math.max(0, p.total - p.partialPairs) / (p.partialPairs / p.seconds);
}

/** The bar's own fields; named apart from cli-progress's built-in {eta}, {value}, {duration}, which would win. */
function payload(p: ScoreProgress) {
  const s = Math.max(p.seconds, 1e-9);
  const eta = etaSeconds(p);
  return {
    doneText: Math.floor(p.partialPairs).toLocaleString('en-US'),
    ratesText: `${(p.partialPairs / s).toFixed(1)} records/s, ${Math.round(p.tokens / s).toLocaleString('en-US')} tok/s`,
    etaText: eta === undefined ? '…' : duration(eta),
    elapsedText: duration(p.seconds),
  };
}
