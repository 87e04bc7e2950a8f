#!/usr/bin/env node
// Renders a report in headless Chromium and saves a PNG, to check by eye that the HTML reports read well.
//
//   node scripts/screenshot-report.mjs [REPORT.html | FILE.svg | RUN_DIR] [--out FILE.png] [--width 1200] [--height 1600]
//
// Any page or SVG works: report.html, grid-heatmap.svg, grid-lines.svg, or a per-token page from `endorm show --html`.
// With no input it builds a synthetic RM-Bench run (3 methods, 20 records; with --grid, a 4 α × 5 γ sweep instead),
// writes its reports into a temporary folder and screenshots report.html (with --grid, also grid-heatmap.svg and
// grid-lines.svg). Needs the test build (`npm test`, or `npm run build && npx tsc -p tsconfig.test.json`: the synthetic
// run and the Chromium helper are test scaffolding, in dist-test/) and Chromium: `apt-get install -y chromium` on Debian.
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    width: { type: 'string', default: '1200' },
    height: { type: 'string', default: '1600' },
    grid: { type: 'boolean', default: false },
  },
});

async function main() {
  let html = positionals[0] ? resolve(positionals[0]) : await syntheticReport();
  if (existsSync(html) && statSync(html).isDirectory()) html = join(html, 'report.html');
  if (!existsSync(html)) throw new Error(`no such report: ${html}`);
  await shoot(html, resolve(values.out ?? html.replace(/\.(html?|svg)$/i, '') + '.png'));
  if (!positionals[0] && values.grid) {
    for (const name of ['grid-heatmap', 'grid-lines']) await shoot(join(dirname(html), `${name}.svg`), join(dirname(html), `${name}.png`));
  }
}

async function shoot(html, out) {
  const chromium = join(root, 'dist-test', 'testing', 'chromium.js');
  if (!existsSync(chromium)) throw new Error('build the tests first: npx tsc -p tsconfig.test.json');
  const { CHROMIUM, screenshot } = await import(pathToFileURL(chromium).href);
  if (!CHROMIUM) throw new Error('Chromium not found; on Debian: apt-get update && apt-get install -y chromium');
  const png = screenshot(html, Number(values.width), Number(values.height));
  if (png.length < 1000 || png.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error(`chromium wrote no PNG for ${html}`);
  writeFileSync(out, png);
  console.log(`${out} (${png.length} bytes) from ${html}`);
}

async function syntheticReport() {
  const synthetic = join(root, 'dist-test', 'testing', 'synthetic-run.js');
  if (!existsSync(synthetic) || !existsSync(join(root, 'dist', 'index.js'))) throw new Error('build first: npm run build && npx tsc -p tsconfig.test.json');
  const { writeSyntheticRun } = await import(pathToFileURL(synthetic).href);
  const { reportRun } = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'endorm-synthetic-run-'));
  const grid = { alphas: [0.25, 0.5, 1, 2], gammas: [0.8, 0.9, 0.95, 0.99, 1] };
  const sweep = grid.alphas.flatMap((a, i) =>
    grid.gammas.map((g, j) => ({ spec: `endorm:alpha=${a},gamma=${g}`, kind: 'response', skill: 0.6 + 0.25 * j - 0.2 * Math.abs(i - 1), styleBias: 0.3 })),
  );
  await writeSyntheticRun(dir, {
    ...(values.grid ? { methods: sweep, settings: { grid }, records: 60 } : {}),
    tornLastLine: true,
    timing: { startedAt: '2025-01-01T12:00:01.000Z', finishedAt: '2025-01-01T12:03:21.000Z', seconds: 200 },
  });
  await reportRun(dir);
  return join(dir, 'report.html');
}

main().catch((error) => {
  console.error(`screenshot-report: ${error.message}`);
  process.exitCode = 1;
});
