import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { reportCommand } from '../commands/report.js';
import { writeSyntheticRun } from '../testing/synthetic-run.js';

/** Runs `endorm report ARGS` capturing stdout/stderr and the exit code, then restores the process state. */
async function run(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number | undefined }> {
  let stdout = '';
  let stderr = '';
  const log = console.log;
  const error = console.error;
  const write = process.stdout.write.bind(process.stdout);
  console.log = (...parts: unknown[]) => void (stdout += `${parts.join(' ')}\n`);
  console.error = (...parts: unknown[]) => void (stderr += `${parts.join(' ')}\n`);
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await reportCommand().exitOverride().parseAsync(args, { from: 'user' });
    return { stdout, stderr, exitCode: process.exitCode as number | undefined };
  } finally {
    console.log = log;
    console.error = error;
    process.stdout.write = write;
    process.exitCode = before;
  }
}

test('one run: rebuilds its reports in place, --json prints the summary', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endorm-cmd-'));
  await writeSyntheticRun(join(dir, 'run'), { records: 5 });
  const result = await run([join(dir, 'run'), '--json']);
  assert.equal(result.exitCode, undefined);
  assert.equal(JSON.parse(result.stdout).counts.pairs, 5);
  assert.match(result.stderr, /wrote .*report\.html/);
  assert.ok((await stat(join(dir, 'run', 'report.md'))).isFile());

  const out = await run([join(dir, 'run'), '--out', join(dir, 'elsewhere')]);
  assert.match(out.stdout, /wrote .*elsewhere.*summary\.json/);
  assert.ok(JSON.parse(await readFile(join(dir, 'elsewhere', 'summary.json'), 'utf8')).methods.endorm);
  await rm(dir, { recursive: true });
});

test('several runs: comparison into --out, which is required', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endorm-cmd-'));
  await writeSyntheticRun(join(dir, 'a'), { records: 5 });
  await writeSyntheticRun(join(dir, 'b'), { records: 5, seed: 9 });
  const missing = await run([join(dir, 'a'), join(dir, 'b')]);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /needs --out/);
  const ok = await run([join(dir, 'a'), join(dir, 'b'), '--out', join(dir, 'cmp'), '--json']);
  assert.equal(ok.exitCode, undefined);
  assert.equal(JSON.parse(ok.stdout).length, 2);
  assert.ok((await stat(join(dir, 'cmp', 'comparison.html'))).isFile());
  await rm(dir, { recursive: true });
});

test('a missing run folder or run.json is a clear message naming the path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endorm-cmd-'));
  const nowhere = await run([join(dir, 'nope')]);
  assert.equal(nowhere.exitCode, 3);
  assert.equal(nowhere.stderr, `endorm report: run folder not found: ${join(dir, 'nope')}\n`);
  const empty = await run([dir]);
  assert.equal(empty.exitCode, 3);
  assert.match(empty.stderr, new RegExp(`no run\\.json in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await rm(dir, { recursive: true });
});
