import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';

// Issue 14 item 9: one 50 MB record with --max-length 256 used to take node out of heap at 4.5 GB. Its text is now cut
// before it is tokenised; what is left is the reader's copies of the line (scripts/measure-long-record.mjs prints the
// figures for 5 and 50 MB records).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-long-record-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('a 50 MB response scores with --max-length 256 in under 500 MiB of peak RSS', () => {
  const words = ['the', 'little', 'dog', 'ran', 'to', 'the', 'park', 'and', 'saw', 'a', 'big', 'red', 'ball.'];
  const piece = Array.from({ length: 100_000 }, (_, i) => words[(i * 7) % words.length]).join(' ') + '\n\n';
  const long = piece.repeat(Math.ceil((50 * 2 ** 20) / piece.length));
  const dataset = path.join(tmp, 'long.jsonl');
  fs.writeFileSync(dataset, JSON.stringify({ id: 'long', prompt: 'Once upon a time, ', chosen: long, rejected: 'The dog ran.' }) + '\n');
  assert.ok(fs.statSync(dataset).size > 50 * 2 ** 20);
  const out = path.join(tmp, 'run');
  const cli = pathToFileURL(path.join(PROJECT_ROOT, 'dist', 'cli.js')).href;
  const args = ['score', '--model', STORIES, '--max-length', '256', '--methods', 'endorm,loglik,length', '--quiet', '--dataset', dataset, '--out', out];
  const script = `const { main } = await import(${JSON.stringify(cli)}); const code = await main(['node', 'endorm', ...${JSON.stringify(args)}]);
    process.stdout.write(JSON.stringify({ code, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ENDORM_CACHE: tempCacheDir() } });
  assert.equal(run.status, 0, run.stderr);
  const { code, maxRssMiB } = JSON.parse(run.stdout) as { code: number; maxRssMiB: number };
  assert.equal(code, 0, run.stderr);
  assert.ok(maxRssMiB < 500, `peak RSS ${maxRssMiB.toFixed(0)} MiB`);
  const lines = fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  const chosen = lines.find((l) => l.role === 'chosen');
  // The prompt keeps BOS and its last token (the state that chooses the first response token); the response the rest.
  assert.deepEqual([chosen.truncated, chosen.tokens, chosen.chars], [true, 256 - 2, long.length]);
});
