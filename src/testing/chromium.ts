import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The Chromium binary, if the machine has one (Debian: apt-get install chromium). */
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));

/**
 * The boxes of a page that overflow sideways at a window `width` px wide (a table wider than its card scrolls, and at
 * print or a glance reads as clipped): for each, the heading above it and its content and visible widths. Runs the
 * page with a measuring script appended, in headless Chromium (--dump-dom), and reads the result back from the DOM.
 */
export function overflowingBoxes(file: string, width: number, selector = '.table-wrap, .chart-wrap'): { heading: string; scrollWidth: number; clientWidth: number }[] {
  if (!CHROMIUM) throw new Error('no Chromium on this machine');
  const profile = mkdtempSync(join(tmpdir(), 'endorm-chromium-'));
  const page = join(profile, 'page.html');
  const measure = `<script>
const found = [];
for (const box of document.querySelectorAll(${JSON.stringify(selector)})) {
  if (box.scrollWidth <= box.clientWidth + 1) continue;
  let at = box, heading = '';
  while (at && !heading) { at = at.previousElementSibling || at.parentElement; if (at && /^H[1-3]$/.test(at.tagName)) heading = at.textContent; }
  found.push({ heading, scrollWidth: box.scrollWidth, clientWidth: box.clientWidth });
}
document.body.setAttribute('data-overflow', JSON.stringify(found));
</script>`;
  try {
    writeFileSync(page, readFileSync(file, 'utf8').replace('</body>', `${measure}</body>`));
    const run = spawnSync(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--hide-scrollbars', `--user-data-dir=${profile}`, `--window-size=${width},1000`, '--dump-dom', pathToFileURL(page).href],
      { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 },
    );
    if (run.error) throw run.error;
    const attribute = /data-overflow="([^"]*)"/.exec(run.stdout);
    if (run.status !== 0 || !attribute) throw new Error(`chromium measured nothing (exit ${run.status}):\n${run.stderr}`);
    return JSON.parse(attribute[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

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
