import cliProgress from 'cli-progress';
import type { ScoreProgress } from '../run/score-pairs.js';

export interface ProgressReporter {
  update(p: ScoreProgress): void;
  stop(): void;
}

/**
 * A bar with pairs/s and tokens/s on a terminal; a plain line every few seconds otherwise (CI logs); nothing with
 * --quiet. Progress goes to stderr so that stdout stays parseable (--json).
 */
export function createProgressReporter(options: { quiet?: boolean; total?: number; label?: string }): ProgressReporter {
  if (options.quiet) return { update() {}, stop() {} };
  const stream = process.stderr;
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${options.label ?? 'scoring'} {bar} {value}${options.total ? '/{total}' : ''} pairs | {pairsPerSecond} pairs/s | {tokensPerSecond} tok/s | {duration_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    // Drawn from the first update on, so that download bars before scoring never interleave with it.
    let started = false;
    return {
      update(p) {
        if (!started) bar.start(options.total ?? 0, 0, { pairsPerSecond: '0.0', tokensPerSecond: '0' });
        started = true;
        bar.update(p.pairs, rates(p));
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (p.pairs === 0 || now - last < 5000) return;
      last = now;
      const r = rates(p);
      stream.write(`endorm: ${p.pairs}${options.total ? `/${options.total}` : ''} pairs, ${r.pairsPerSecond} pairs/s, ${r.tokensPerSecond} tok/s\n`);
    },
    stop() {},
  };
}

function rates(p: ScoreProgress) {
  const s = Math.max(p.seconds, 1e-9);
  return { pairsPerSecond: (p.pairs / s).toFixed(1), tokensPerSecond: Math.round(p.tokens / s).toString() };
}
