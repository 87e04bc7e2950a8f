import cliProgress from 'cli-progress';
import type { HubProgressEvent } from '../model/hub/progress.js';
import { bytesText } from '../util/bytes-text.js';
import { drawsBars } from './terminal.js';

export interface DownloadReporter {
  onEvent(event: HubProgressEvent): void;
  stop(): void;
}

/** What the reporter writes to; process.stderr in the CLI, a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** Files at least this large get a line when they start (and every few seconds); small ones only when done. */
const ANNOUNCE_BYTES = 1_000_000;

/**
 * Hub downloads as a byte bar per file on a terminal, or as plain lines in logs and when CI is set (see drawsBars); nothing with --quiet. Files
 * served from the cache send no events, so a cached model prints nothing.
 */
export function createDownloadReporter(options: { quiet?: boolean; stream?: ProgressStream; intervalMs?: number; env?: NodeJS.ProcessEnv }): DownloadReporter {
  if (options.quiet) return { onEvent() {}, stop() {} };
  const stream = options.stream ?? process.stderr;
  return drawsBars(stream, options.env) ? barReporter(stream as NodeJS.WriteStream) : lineReporter(stream, options.intervalMs ?? 5000);
}

function barReporter(stream: NodeJS.WriteStream): DownloadReporter {
  let bar: cliProgress.SingleBar | undefined;
  let current: string | undefined;
  let started = 0;
  const stop = () => {
    bar?.stop();
    bar = current = undefined;
  };
  return {
    onEvent(e) {
      const name = `${e.repo}/${e.file}`;
      if (current !== name) {
        stop();
        current = name;
        bar = new cliProgress.SingleBar(
          { stream, format: `${name} {bar} {percentage}% | {size} | {speed}`, hideCursor: true, clearOnComplete: false },
          cliProgress.Presets.shades_classic,
        );
        bar.start(e.total ?? 0, 0, { size: '', speed: '' });
        started = Date.now();
      }
      bar!.update(e.loaded, { size: sizeText(e), speed: speedText(e.loaded, Date.now() - started) });
      if (e.done) stop();
    },
    stop,
  };
}

function lineReporter(stream: ProgressStream, intervalMs: number): DownloadReporter {
  const files = new Map<string, { started: number; said: number; large: boolean }>();
  return {
    onEvent(e) {
      const name = `${e.repo}/${e.file}`;
      const now = Date.now();
      let file = files.get(name);
      if (!file) {
        files.set(name, (file = { started: now, said: now, large: (e.total ?? ANNOUNCE_BYTES) >= ANNOUNCE_BYTES }));
        if (file.large) stream.write(`endorm: downloading ${name}${e.total !== undefined ? ` (${bytesText(e.total)})` : ''}\n`);
      } else if (!e.done && file.large && now - file.said >= intervalMs) {
        file.said = now;
        const speed = speedText(e.loaded, now - file.started);
        stream.write(`endorm: downloading ${name}: ${sizeText(e)}${speed ? `, ${speed}` : ''}\n`);
      }
      if (e.done) {
        files.delete(name);
        stream.write(`endorm: downloaded ${name} (${bytesText(e.loaded)} in ${((now - file.started) / 1000).toFixed(1)} s)\n`);
      }
    },
    stop() {},
  };
}

function sizeText(e: HubProgressEvent): string {
  return e.total !== undefined ? `${bytesText(e.loaded)} of ${bytesText(e.total)}` : bytesText(e.loaded);
}

function speedText(bytes: number, ms: number): string {
  return ms > 0 ? `${bytesText((bytes * 1000) / ms)}/s` : '';
}
