import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SHARED, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndormSync } from '../testing/spawn-endorm.js';

const cache = tempCacheDir();
const RM_BENCH = path.join(SHARED, 'datasets', 'rm-bench');

function score(out: string, ...more: string[]) {
  const r = runEndormSync(
    ['score', '--model', STORIES, '--template', 'none', '--dataset', RM_BENCH, '--max-length', '64', '--methods', 'endorm,length', '--out', out, ...more],
    { ENDORM_CACHE: cache },
  );
  assert.equal(r.status, 0, r.stderr);
  const keys = new Set(fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).pair as string));
  return { stderr: r.stderr, keys: [...keys].sort(), summary: JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) };
}

test('--limit 40 --seed 1 on RM-Bench scores the same records of every domain on every run; the console leads with the RM-Bench average', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-rm-sample-'));
  const first = score(path.join(tmp, 'a'), '--limit', '40', '--seed', '1');
  assert.equal(first.keys.length, 40);
  // 129 chat, 228 code and 441 safety records: 40 in proportion is 7, 11 and 22 (largest remainder).
  const perDomain = (keys: string[]) => Object.fromEntries(['chat', 'code', 'safety'].map((d) => [d, keys.filter((k) => k.startsWith(d)).length]));
  assert.deepEqual(perDomain(first.keys), { chat: 7, code: 11, safety: 22 });
  assert.deepEqual([first.summary.settings.limit, first.summary.settings.seed], [40, 1]);

  const again = score(path.join(tmp, 'b'), '--limit', '40', '--seed', '1');
  assert.deepEqual(again.keys, first.keys, 'the same records on every run');
  const other = score(path.join(tmp, 'c'), '--limit', '40', '--seed', '2', '--quiet');
  assert.deepEqual(perDomain(other.keys), perDomain(first.keys));
  assert.notDeepEqual(other.keys, first.keys, 'another seed, another sample');

  // The first accuracy on each method's line is the RM-Bench average, with its interval; pooled accuracy comes after.
  for (const [spec, m] of Object.entries(first.summary.methods as Record<string, { headline: { value: number; ci95: [number, number] }; accuracy: number }>)) {
    const line = first.stderr.split('\n').find((l) => l.startsWith(`  ${spec} `))!;
    const numbers = [...line.matchAll(/(\d+\.\d)%/g)].map((x) => x[1]);
    assert.equal(numbers[0], (100 * m.headline.value).toFixed(1), line);
    assert.match(line, new RegExp(`^  ${spec} +RM-Bench average ${(100 * m.headline.value).toFixed(1)}% \\[${(100 * m.headline.ci95[0]).toFixed(1)}–${(100 * m.headline.ci95[1]).toFixed(1)}\\] \\(easy [\\d.]+, normal [\\d.]+, hard [\\d.]+\\)  pooled accuracy ${(100 * m.accuracy).toFixed(1)}%`));
  }
  const md = fs.readFileSync(path.join(tmp, 'a', 'report.md'), 'utf8');
  assert.ok(md.indexOf('## RM-Bench average') < md.indexOf('## Methods'), 'report.md leads with the RM-Bench average');
  assert.match(md, /\| Method \| Pooled accuracy % \| 95% CI \|/);

  // A resume selects the same records: nothing is left to score.
  const resumed = runEndormSync(['score', '--resume', path.join(tmp, 'a')], { ENDORM_CACHE: cache });
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /was already complete \(40 records\)/);
});

test('--sample N draws N records of a pair file, recorded with its seed; it excludes --limit and streams', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-sample-'));
  const args = ['score', '--model', STORIES, '--template', 'none', '--dataset', 'datasets/stories-sample.jsonl', '--methods', 'length', '--quiet'];
  const r = runEndormSync([...args, '--sample', '5', '--seed', '3', '--out', tmp], { ENDORM_CACHE: cache });
  assert.equal(r.status, 0, r.stderr);
  const run = JSON.parse(fs.readFileSync(path.join(tmp, 'run.json'), 'utf8'));
  assert.deepEqual([run.settings.sample, run.settings.seed, run.settings.limit], [5, 3, undefined]);
  const keys = new Set(fs.readFileSync(path.join(tmp, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).pair));
  assert.equal(keys.size, 5);
  assert.notDeepEqual([...keys].sort(), ['story-001', 'story-002', 'story-003', 'story-004', 'story-005'], 'not the first five');

  const both = runEndormSync([...args, '--sample', '5', '--limit', '5'], { ENDORM_CACHE: cache });
  assert.equal(both.status, 2);
  assert.match(both.stderr, /--sample <n>' cannot be used with option '--limit <n>'/);
  const piped = runEndormSync([...args, '--sample', '5', '--dataset', '-', '--format', 'jsonl', '--out', path.join(tmp, 'piped')], { ENDORM_CACHE: cache });
  assert.equal(piped.status, 2, piped.stderr);
  assert.match(piped.stderr, /--sample 5 reads the dataset twice/);
});
