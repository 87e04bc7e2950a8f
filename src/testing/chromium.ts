import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The Chromium binary, if the machine has one (Debian: apt-get install chromium). */
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));

/** Screenshots a local page or SVG in headless Chromium (also for scripts/screenshot-report.mjs); returns the PNG. */
export function screenshot(file: string, width: number, height: number): Buffer {
  if (!CHROMIUM) throw new Error('no Chromium on this machine');
  const profile = mkdtempSync(join(tmpdir(), 'endorm-chromium-'));
  const out = join(profile, 'shot.png');
  try {
    const run = spawnSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--screenshot=${out}`,
        `--window-size=${width},${height}`,
        pathToFileURL(file).href,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (run.error) throw run.error;
    if (run.status !== 0 || !existsSync(out)) throw new Error(`chromium exited with ${run.status}:\n${run.stderr}`);
    return readFileSync(out);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
