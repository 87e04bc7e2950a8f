import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { main } from '../cli.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';

/**
 * Runs the CLI in this process, capturing the text it writes; returns the exit code main() gives. The test runner
 * reports through stdout too, in binary chunks, which pass through untouched.
 */
async function endorm(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = (original: typeof out, append: (text: string) => void) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'string') return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      append(chunk);
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture(out, (t) => (stdout += t));
  process.stderr.write = capture(err, (t) => (stderr += t));
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'endorm', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = before;
  }
}

let dir: string;
before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'endorm-cli-traces-'));
  process.env['ENDORM_CACHE'] = tempCacheDir();
});

test('score --alpha/--gamma scores the grid in one pass and reports trace size and write time; rescore and show use it', async () => {
  const run = path.join(dir, 'grid');
  const scored = await endorm('score', '--model', STORIES, '--template', 'none', '--dataset', path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'),
    '--limit', '6', '--threads', '1', '--alpha', '0.5,1', '--gamma', '0.9,1', '--out', run);
  assert.equal(scored.code, 0, scored.stderr);
  assert.match(scored.stderr, /endorm:alpha=0\.5,gamma=0\.9 +accuracy/);
  assert.match(scored.stderr, /token traces: 12 responses, [\d.]+ KiB \+ [\d.]+ KiB index, written in \d+\.\d\d s/);
  const manifest = JSON.parse(await fs.readFile(path.join(run, 'run.json'), 'utf8'));
  assert.deepEqual(manifest.settings.methods, ['endorm:alpha=0.5,gamma=0.9', 'endorm:alpha=0.5,gamma=1', 'endorm:alpha=1,gamma=0.9', 'endorm:alpha=1,gamma=1']);
  assert.deepEqual(manifest.settings.grid, { alphas: [0.5, 1], gammas: [0.9, 1] });

  const rescored = await endorm('rescore', run, '--gamma', '0.5,0.8', '--methods', 'loglik-mean', '--out', path.join(dir, 'r'), '--json');
  assert.equal(rescored.code, 0, rescored.stderr);
  assert.deepEqual(Object.keys(JSON.parse(rescored.stdout).methods), ['loglik-mean', 'endorm:alpha=1,gamma=0.5', 'endorm:alpha=1,gamma=0.8']);
  assert.match(rescored.stderr, /rescored 12 responses from .* \(no model\)/);

  const untraced = await endorm('rescore', run, '--alpha', '0.25');
  assert.equal(untraced.code, 2);
  assert.match(untraced.stderr, /endorm:alpha=0\.25,gamma=1 needs α=0\.25, but .* traced only α = 1, 0\.5/);
  assert.equal((await endorm('rescore', path.join(dir, 'nowhere'), '--methods', 'endorm')).code, 3);

  const page = path.join(dir, 'story.html');
  const shown = await endorm('show', run, '--pair', 'story-001', '--alpha', '0.5', '--html', page);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(await fs.readFile(page, 'utf8'), /class="tok"/);
  const json = JSON.parse((await endorm('show', run, '--pair', 'story-002', '--json')).stdout);
  assert.deepEqual(json.responses.map((r: { role: string }) => r.role), ['chosen', 'rejected']);
  const missing = await endorm('show', run, '--pair', 'nope');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no record with key or id "nope"/);
});

test('score --no-traces writes no trace files', async () => {
  const run = path.join(dir, 'bare');
  const scored = await endorm('score', '--model', STORIES, '--template', 'none', '--dataset', path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'),
    '--limit', '2', '--threads', '1', '--methods', 'endorm', '--no-traces', '-q', '--out', run);
  assert.equal(scored.code, 0, scored.stderr);
  assert.deepEqual((await fs.readdir(run)).filter((f) => f.startsWith('traces')), []);
  const rescore = await endorm('rescore', run, '--methods', 'endorm');
  assert.equal(rescore.code, 3);
  assert.match(rescore.stderr, /has no token traces/);
});

test('show and rescore on a run whose methods write no traces say there are no token values, not that --no-traces was given', async () => {
  const run = path.join(dir, 'length-only');
  const scored = await endorm('score', '--model', STORIES, '--template', 'none', '--dataset', path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'),
    '--limit', '2', '--threads', '1', '--methods', 'length', '-q', '--out', run);
  assert.equal(scored.code, 0, scored.stderr);
  const shown = await endorm('show', run, '--pair', 'story-001');
  assert.equal(shown.code, 3);
  assert.match(shown.stderr, /length-only holds no token values: its methods \(length\) write no token traces; score with one of endorm, loglik, loglik-mean to show or rescore tokens/);
  const rescored = await endorm('rescore', run, '--methods', 'endorm');
  assert.equal(rescored.code, 3);
  assert.match(rescored.stderr, /length-only holds no token values: its methods \(length\) write no token traces/);
});

test('inspect --html renders the response and a rejected one side by side, each token with its values', async () => {
  const page = path.join(dir, 'inspect.html');
  const result = await endorm('inspect', '--model', STORIES, '--template', 'none', '--threads', '1', '--prompt', 'Once upon a time, there was a cat. ',
    '--response', 'The cat liked to play.', '--rejected', 'play to liked cat The.', '--alpha', '0.5', '--html', page);
  assert.equal(result.code, 0, result.stderr);
  const html = await fs.readFile(page, 'utf8');
  assert.ok(html.indexOf('>--response<') < html.indexOf('>--rejected<'));
  const titles = [...html.matchAll(/class="tok" [^>]* title="([^"]*)"/g)].map((m) => m[1]!);
  // One span per scored token of each response: as many as the token tables printed on stdout have rows.
  const rows = result.stdout.split('\nrejected:\n').map((part) => part.match(/^ +\d+ {2}/gm)?.length ?? 0);
  assert.equal(rows.length, 2);
  assert.ok(rows[0]! > 3 && rows[1]! > 3);
  assert.equal(titles.length, rows[0]! + rows[1]!);
  assert.ok(titles.every((t) => /r_h = .*logit f\(s_h, a_h\) = .*log π_0\.5\(a_h \| s_h\) = .*V\(s_h\) = /s.test(t.replace(/&#10;/g, '\n'))));
});

test('a resumed sweep keeps its grid and its traces: the re-scored responses’ latest traces match their scores', async () => {
  const run = path.join(dir, 'resumed');
  const args = ['--model', STORIES, '--template', 'none', '--dataset', path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'), '--limit', '5', '--threads', '1', '-q'];
  assert.equal((await endorm('score', ...args, '--alpha', '0.5,2', '--gamma', '0.9', '--out', run)).code, 0);
  // A crash after the first record: its two lines stay, the rest of scores.jsonl is lost; the traces are all there.
  const scoresFile = path.join(run, 'scores.jsonl');
  const lines = (await fs.readFile(scoresFile, 'utf8')).split('\n');
  await fs.writeFile(scoresFile, lines.slice(0, 2).join('\n') + '\n');
  await fs.rm(path.join(run, 'summary.json'));
  const resumed = await endorm('score', '--resume', run, '-q');
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(JSON.parse(await fs.readFile(path.join(run, 'run.json'), 'utf8')).settings.grid, { alphas: [0.5, 2], gammas: [0.9] });
  const index = (await fs.readFile(path.join(run, 'traces.index.jsonl'), 'utf8')).trim().split('\n');
  assert.equal(index.length, 1 + 10 + 8, 'header, the first run’s 10 traces, 8 traced again');
  const out = path.join(dir, 'resumed-rescored');
  const methods = ['endorm:alpha=0.5,gamma=0.9', 'endorm:alpha=2,gamma=0.9'];
  assert.equal((await endorm('rescore', run, '--methods', methods.join(','), '--out', out, '-q')).code, 0);
  const read = async (f: string) => new Map((await fs.readFile(f, 'utf8')).trim().split('\n').map((l) => JSON.parse(l)).map((r) => [`${r.pair}/${r.role}`, r.scores]));
  const scored = await read(scoresFile);
  const rescored = await read(path.join(out, 'scores.jsonl'));
  assert.equal(rescored.size, 10);
  for (const [key, scores] of rescored) for (const m of methods) assert.equal(scores[m], scored.get(key)[m], `${key} ${m}`);
});

test('--select-on dev on score and rescore: a grid setting chosen on one part of the records is reported on the rest', async () => {
  const run = path.join(dir, 'select-on');
  const args = ['--model', STORIES, '--template', 'none', '--dataset', path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'), '--limit', '16', '--threads', '1', '--quiet'];
  const scored = await endorm('score', ...args, '--alpha', '0.5,2', '--gamma', '0.5,1', '--select-on', 'dev:0.25', '--seed', '3', '--out', run, '--json');
  assert.equal(scored.code, 0, scored.stderr);
  const summary = JSON.parse(scored.stdout);
  assert.deepEqual(summary.settings.selectOn, { fraction: 0.25, seed: 3 });
  // The grid lacks α = 1, so the default setting it is compared with is scored too.
  assert.ok(summary.settings.methods.includes('endorm'));
  assert.deepEqual(summary.selection.records, { selection: 4, heldOut: 12 });
  assert.equal(summary.selection.default.spec, 'endorm');
  assert.ok(summary.settings.grid.alphas.includes(summary.selection.chosen.alpha));
  assert.equal(typeof summary.selection.chosen.heldOut.value, 'number');

  const rescored = await endorm('rescore', run, '--gamma', '0.8,1', '--select-on', 'dev', '--out', path.join(dir, 'select-on-r'), '--json');
  assert.equal(rescored.code, 0, rescored.stderr);
  const again = JSON.parse(rescored.stdout);
  assert.deepEqual(again.settings.selectOn, { fraction: 0.5, seed: 3 }, "split by the scored run's seed");
  assert.deepEqual(again.selection.records, { selection: 8, heldOut: 8 });
  assert.equal(again.selection.default.spec, 'endorm:alpha=1,gamma=1');

  const noGrid = await endorm('score', ...args, '--select-on', 'dev', '--out', path.join(dir, 'select-on-none'));
  assert.equal(noGrid.code, 2);
  assert.match(noGrid.stderr, /--select-on chooses among the cells of a grid/);
  const bad = await endorm('score', ...args, '--gamma', '0.5,1', '--select-on', 'dev:2', '--out', path.join(dir, 'select-on-bad'));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /FRACTION between 0 and 1/);
});
