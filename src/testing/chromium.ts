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
  return JSON.parse(dumpAttribute(readFileSync(file, 'utf8').replace('</body>', `${measure}</body>`), width, 'data-overflow'));
}

/** Two texts of one chart whose boxes intersect, or a text that leaves its chart or its panel. */
export interface TextProblem {
  /** Which chart of the page (0-based, in document order) and its accessible label. */
  chart: number;
  label: string;
  problem: 'overlap' | 'outside chart' | 'outside panel';
  texts: string[];
}

/**
 * Every text of every SVG chart on a page (an HTML page, or a standalone .svg shown in a page) laid out by headless
 * Chromium at a window `width` px wide: pairs of text elements whose boxes intersect (by more than `slack` px each
 * way), texts that reach outside their <svg> (clipped), and texts outside their panel: a `<g data-panel>` whose
 * `rect.panel-box` child marks the panel's area.
 */
export function textProblems(file: string, width: number, slack = 0.5): TextProblem[] {
  const source = readFileSync(file, 'utf8');
  const html = file.endsWith('.svg') ? `<!DOCTYPE html><html><body style="margin:0">${source}</body></html>` : source;
  const measure = `<script>
const found = [];
const slack = ${slack};
const inside = (a, b) => a.left >= b.left - slack && a.right <= b.right + slack && a.top >= b.top - slack && a.bottom <= b.bottom + slack;
const meet = (a, b) => a.left < b.right - slack && b.left < a.right - slack && a.top < b.bottom - slack && b.top < a.bottom - slack;
[...document.querySelectorAll('svg')].forEach((svg, chart) => {
  if (svg.parentElement && svg.parentElement.closest('svg')) return;
  const label = svg.getAttribute('aria-label') || '';
  const frame = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')].map((t) => ({ t, box: t.getBoundingClientRect(), text: (t.firstChild && t.firstChild.nodeValue || t.textContent).trim() }))
    .filter((x) => x.text && x.box.width > 0 && x.box.height > 0);
  for (let i = 0; i < texts.length; i++) {
    const a = texts[i];
    if (!inside(a.box, frame)) found.push({ chart, label, problem: 'outside chart', texts: [a.text] });
    const panel = a.t.closest('[data-panel]');
    const box = panel && panel.querySelector(':scope > rect.panel-box');
    if (box && !inside(a.box, box.getBoundingClientRect())) found.push({ chart, label, problem: 'outside panel', texts: [a.text] });
    for (let j = i + 1; j < texts.length; j++) if (meet(a.box, texts[j].box)) found.push({ chart, label, problem: 'overlap', texts: [a.text, texts[j].text] });
  }
});
document.body.setAttribute('data-texts', JSON.stringify(found));
</script>`;
  return JSON.parse(dumpAttribute(html.replace('</body>', `${measure}</body>`), width, 'data-texts'));
}

/** Loads a page with a measuring script in headless Chromium and reads back the attribute it set on <body>. */
function dumpAttribute(html: string, width: number, attribute: string): string {
  if (!CHROMIUM) throw new Error('no Chromium on this machine');
  const profile = mkdtempSync(join(tmpdir(), 'endorm-chromium-'));
  const page = join(profile, 'page.html');
  try {
    writeFileSync(page, html);
    const run = spawnSync(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--hide-scrollbars', `--user-data-dir=${profile}`, `--window-size=${width},1000`, '--dump-dom', pathToFileURL(page).href],
      { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 },
    );
    if (run.error) throw run.error;
    const found = new RegExp(`${attribute}="([^"]*)"`).exec(run.stdout);
    if (run.status !== 0 || !found) throw new Error(`chromium measured nothing (exit ${run.status}):\n${run.stderr}`);
    return found[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
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
