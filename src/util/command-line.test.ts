import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { shellCommandLine } from './command-line.js';

test('a recorded command line pastes back into a POSIX shell as the same arguments', () => {
  const argv = ['/opt/endorm/bin/endorm', 'score', '--methods', 'endorm:alpha=0.5,gamma=0.9,loglik', '--dataset', 'my data/it\'s.jsonl', '--prompt-field', '$HOME', '', 'a\nb', 'ü *'];
  const line = shellCommandLine(argv);
  assert.equal(
    line,
    `/opt/endorm/bin/endorm score --methods endorm:alpha=0.5,gamma=0.9,loglik --dataset 'my data/it'\\''s.jsonl' --prompt-field '$HOME' '' 'a\nb' 'ü *'`,
  );
  const echoed = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  assert.equal(echoed.status, 0, echoed.stderr);
  assert.deepEqual(echoed.stdout.split('\0').slice(0, -1), argv);
});
