import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runCliInProcess as endorm } from '../testing/run-cli.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndorm } from '../testing/spawn-endorm.js';
import { EXIT } from '../util/exit-codes.js';

/*
 * Outputs that cannot be written (disk full, read-only, a file in the way) are exit 6 with the path and what to do, no
 * stack trace, no temporary file left, and a run folder that resumes. The disk-full and read-only cases use a real
 * tmpfs (mount needs root, as in CI's container); elsewhere they are skipped and the injected faults in
 * run-store/write-faults.test.ts cover the same code.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-write-faults-'));
const dataset = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
const env = { ENDORM_CACHE: tempCacheDir() };
const scoreArgs = (out: string, ...more: string[]) => [
  'score', '--model', STORIES, '--template', 'none', '--dataset', dataset, '--methods', 'endorm,loglik', '--batch-size', '4', '--quiet', '--out', out, ...more,
];
const mounts: string[] = [];

/** A tmpfs of `size` at a new folder, or why none can be mounted here. */
function tmpfs(size: string): { dir?: string; why?: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) return { why: `cannot mount a tmpfs here: ${(mounted.stderr || mounted.error?.message || '').trim()}` };
  mounts.push(dir);
  return { dir };
}
const remount = (dir: string, options: string) => assert.equal(spawnSync('mount', ['-o', `remount,${options}`, dir]).status, 0);

/** Files a failed write could leave: temp files of atomic writes, staged locks. */
const leftovers = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => /\.tmp-|run\.lock/.test(f));
const noStack = (stderr: string) => assert.doesNotMatch(stderr, /^\s+at .*:\d+:\d+\)?$/m, 'no stack trace');
const scoresOf = (dir: string) =>
  new Map(fs.readFileSync(path.join(dir, 'scores.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l)).map((r) => [`${r.pair}/${r.role}/${r.index}`, r.scores]));

let clean: string;
before(async () => {
  clean = path.join(tmp, 'clean');
  const done = await runEndorm(scoreArgs(clean), env);
  assert.equal(done.code, 0, done.stderr);
});
after(() => {
  for (const dir of mounts) spawnSync('umount', [dir]);
});

test('disk full mid-run (a 64 KiB tmpfs): exit 6 naming the file, nothing left behind; after more room, --resume then rescore equal a clean run', async (t) => {
  const { dir, why } = tmpfs('64k');
  if (!dir) return t.skip(why);
  const out = path.join(dir, 'run');
  const full = await runEndorm(scoreArgs(out), env);
  assert.equal(full.code, EXIT.cannotWrite, full.stderr);
  assert.match(full.stderr, new RegExp(`^endorm: error: cannot write ${out}/[\\w.]+: no space left on the device \\(ENOSPC\\); free some space \\(or make it writable\\) and run the same command again: what was written is kept and the run resumes$`, 'm'));
  noStack(full.stderr);
  assert.deepEqual(leftovers(out), []);
  const kept = fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8');
  assert.ok(kept === '' || kept.endsWith('\n'), 'the failed batch was cut off');

  remount(dir, 'size=4m');
  const resumed = await runEndorm(['score', '--resume', out, '--quiet'], env);
  assert.equal(resumed.code, 0, resumed.stderr);
  const a = path.join(tmp, 'full-rescored');
  const b = path.join(tmp, 'clean-rescored');
  for (const [run, into] of [[out, a], [clean, b]] as const) {
    const r = await endorm(['rescore', run, '--methods', 'endorm,loglik', '--out', into, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
  }
  const want = scoresOf(b);
  const got = scoresOf(a);
  assert.equal(got.size, 128);
  for (const [key, s] of want) for (const spec of ['endorm', 'loglik']) assert.ok(Math.abs(got.get(key)![spec] - s[spec]) <= 1e-4 * Math.abs(s[spec]), `${key} ${spec}`);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).methods, JSON.parse(fs.readFileSync(path.join(clean, 'summary.json'), 'utf8')).methods);
});

test('a read-only run folder: report, score --resume, rescore --out, show --html are exit 6 naming the path', async (t) => {
  const { dir, why } = tmpfs('4m');
  if (!dir) return t.skip(why);
  const run = path.join(dir, 'run');
  fs.cpSync(clean, run, { recursive: true });
  remount(dir, 'ro');
  const cases: [string[], RegExp][] = [
    // report rewrites the run in place, so it takes the run's lock first, as the writers do.
    [['report', run], new RegExp(`cannot write ${run}/run\\.lock: the file system is read-only \\(EROFS`)],
    [['score', '--resume', run, '--quiet'], new RegExp(`cannot write ${run}/run\\.lock: the file system is read-only \\(EROFS`)],
    [['rescore', clean, '--methods', 'loglik', '--out', path.join(dir, 'new')], new RegExp(`cannot write ${dir}/new: the file system is read-only \\(EROFS`)],
    [['show', run, '--pair', 'story-001', '--html', path.join(dir, 'page.html')], new RegExp(`cannot write ${dir}/page\\.html: the file system is read-only \\(EROFS`)],
  ];
  for (const [args, message] of cases) {
    const end = await runEndorm(args, env);
    assert.equal(end.code, EXIT.cannotWrite, `${args.join(' ')}: ${end.stderr}`);
    assert.match(end.stderr, message);
    noStack(end.stderr);
  }
});

test('--out naming a file, show/inspect --html into a folder or a missing folder: exit 6, and no temporary file', async (t) => {
  const file = path.join(tmp, 'a-file');
  fs.writeFileSync(file, 'mine');
  const onFile = await endorm(scoreArgs(file));
  assert.equal(onFile.code, EXIT.cannotWrite, onFile.stderr);
  assert.match(onFile.stderr, new RegExp(`cannot write into --out ${file}: it is a file, not a folder`));
  assert.equal(fs.readFileSync(file, 'utf8'), 'mine');
  const under = await endorm(scoreArgs(path.join(file, 'run')));
  assert.equal(under.code, EXIT.cannotWrite, under.stderr);
  assert.match(under.stderr, /a part of the path is a file, not a folder \(ENOTDIR/);

  const folder = path.join(tmp, 'pages');
  fs.mkdirSync(folder);
  const intoFolder = await endorm(['show', clean, '--pair', 'story-001', '--html', folder]);
  assert.equal(intoFolder.code, EXIT.cannotWrite, intoFolder.stderr);
  assert.match(intoFolder.stderr, new RegExp(`cannot write ${folder}: it is a folder, not a file \\(EISDIR`));
  const missing = path.join(tmp, 'no-such-folder', 'page.html');
  const intoMissing = await endorm(['show', clean, '--pair', 'story-001', '--html', missing]);
  assert.equal(intoMissing.code, EXIT.cannotWrite, intoMissing.stderr);
  assert.match(intoMissing.stderr, new RegExp(`cannot write ${missing}: its folder does not exist \\(ENOENT`));
  t.mock.method(process.stdout, 'write', () => true); // inspect prints its table before it writes the page
  const inspect = await endorm(['inspect', '--model', STORIES, '--template', 'none', '--prompt', 'Once', '--response', ' upon a time', '--html', folder]);
  t.mock.restoreAll();
  assert.equal(inspect.code, EXIT.cannotWrite, inspect.stderr);
  assert.deepEqual(leftovers(tmp).filter((f) => !f.startsWith('clean')), []);
  assert.deepEqual(fs.readdirSync(folder), []);
});

test('--out into a folder with files but no run is refused (exit 2) unless --force; its files are untouched', async () => {
  const mine = path.join(tmp, 'my-folder');
  fs.mkdirSync(mine);
  fs.writeFileSync(path.join(mine, 'report.html'), '<p>my report</p>');
  const refused = await endorm(scoreArgs(mine, '--limit', '2'));
  assert.equal(refused.code, EXIT.usage, refused.stderr);
  assert.match(refused.stderr, new RegExp(`--out ${mine} is not empty \\(1 entry: "report\\.html"\\) and holds no endorm run \\(no run\\.json\\), so writing there could overwrite its files; give a new or empty folder, or --force`));
  assert.deepEqual(fs.readdirSync(mine), ['report.html']);
  const merged = await endorm(['merge', clean, '--out', mine]);
  assert.equal(merged.code, EXIT.usage, merged.stderr);
  assert.deepEqual(fs.readdirSync(mine), ['report.html']);

  const forced = await endorm(scoreArgs(mine, '--limit', '2', '--force'));
  assert.equal(forced.code, 0, forced.stderr);
  assert.ok(fs.readFileSync(path.join(mine, 'report.html'), 'utf8').includes('endorm'), 'overwritten, as --force allows');
  // An empty folder, or one holding a run, needs no --force.
  const empty = path.join(tmp, 'empty');
  fs.mkdirSync(empty);
  assert.equal((await endorm(scoreArgs(empty, '--limit', '2'))).code, 0);
  assert.equal((await endorm(scoreArgs(empty, '--limit', '2'))).code, 0);
});
