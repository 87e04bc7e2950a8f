import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { runCliInProcess as endorm } from '../testing/run-cli.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { EXIT } from '../util/exit-codes.js';

// Issue 19, 8: `endorm score --dataset /dev/zero` (or /dev/urandom, as JSONL, CSV, JSON or auto-detected) grew to
// gigabytes instead of stopping at a documented bound.
process.env.ENDORM_CACHE = tempCacheDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-limits-cli-'));
const score = (...more: string[]) => ['score', '--model', STORIES, '--template', 'none', '--quiet', '--out', fs.mkdtempSync(path.join(tmp, 'run-')), ...more];

const cases: Array<[string, string[], RegExp]> = [
  ['/dev/zero as CSV', ['--dataset', '/dev/zero', '--format', 'csv', '--max-line-bytes', '1048576'], /^endorm: error: \/dev\/zero:1: the line is longer than 1\.00 MiB \(the bound on one line, --max-line-bytes 1048576\); raise --max-line-bytes/m],
  ['/dev/zero as JSON', ['--dataset', '/dev/zero', '--format', 'json', '--max-json-bytes', '2097152'], /\/dev\/zero: the JSON document is larger than 2\.00 MiB \(the bound on a JSON file read whole, --max-json-bytes 2097152\); raise --max-json-bytes/],
  ['/dev/urandom as JSONL, skipping invalid lines', ['--dataset', '/dev/urandom', '--format', 'jsonl', '--skip-invalid', '--max-records', '500'], /\/dev\/urandom: holds more than 500 lines \(the bound on records per file, --max-records 500\); raise --max-records/],
];

for (const [name, args, message] of cases) {
  test(`${name} is exit 3 naming the bound and the option that raises it`, async () => {
    const r = await endorm(score(...args));
    assert.equal(r.code, EXIT.input, r.stderr);
    assert.match(r.stderr, message);
  });
}

// The benchmark protocols that read their own records (RewardBench, RewardBench 2) are held to the same bounds.
for (const format of ['reward-bench', 'reward-bench-2']) {
  test(`a ${format} file whose line passes --max-line-bytes is exit 3 naming the bound`, async () => {
    const file = path.join(tmp, `${format}-long.jsonl`);
    fs.writeFileSync(file, JSON.stringify({ id: 'a', subset: 'Focus', prompt: 'p'.repeat(2 << 20), chosen: ['c'], rejected: ['r'] }) + '\n');
    const r = await endorm(score('--dataset', file, '--format', format, '--max-line-bytes', '1048576'));
    assert.equal(r.code, EXIT.input, r.stderr);
    assert.match(r.stderr, /-long\.jsonl:1: the line is longer than 1\.00 MiB \(the bound on one line, --max-line-bytes 1048576\); raise --max-line-bytes/);
  });
}

test('/dev/zero as JSONL with the default bounds stops in bounded memory (under 800 MiB of peak RSS)', () => {
  const cli = pathToFileURL(path.join(PROJECT_ROOT, 'dist', 'cli.js')).href;
  const args = score('--dataset', '/dev/zero', '--format', 'jsonl');
  const script = `const { main } = await import(${JSON.stringify(cli)}); const code = await main(['node', 'endorm', ...${JSON.stringify(args)}]);
    process.stdout.write(JSON.stringify({ code, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ENDORM_CACHE: tempCacheDir() } });
  const { code, maxRssMiB } = JSON.parse(run.stdout) as { code: number; maxRssMiB: number };
  assert.equal(code, EXIT.input, run.stderr);
  assert.match(run.stderr, /--max-line-bytes 268435456/);
  assert.ok(maxRssMiB < 800, `peak RSS ${maxRssMiB.toFixed(0)} MiB`);
});
