import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readRun } from '../api/read-run.js';
import { markComplete } from '../run-store/run-complete.js';
import { writeManifest } from '../run-store/run-manifest.js';
import { shardOfKey } from '../run/shard.js';
import { runCliInProcess } from '../testing/run-cli.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { startEndorm } from '../testing/spawn-endorm.js';
import { writeSyntheticRun } from '../testing/synthetic-run.js';
import { EXIT } from '../util/exit-codes.js';

// Issue 19 (part B): writers write only where they may, completeness is recorded, a resume verifies what it trusts.
process.env['ENDORM_CACHE'] = tempCacheDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-integrity-'));
const stories = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
const scoreArgs = ['--model', STORIES, '--dataset', stories, '--template', 'none', '--methods', 'endorm,loglik', '--limit', '8', '--quiet'];
const json = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const bytes = (file: string) => fs.readFileSync(file);
const endorm = (args: string[]) => runCliInProcess(args);

let base: string | undefined;
/** A finished traced run of 8 records (16 responses), scored once for the file. */
async function baseRun(): Promise<string> {
  if (base) return base;
  const out = path.join(tmp, 'base');
  const r = await endorm(['score', ...scoreArgs, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  base = out;
  return out;
}

let copies = 0;
async function copyOfBase(name: string): Promise<string> {
  const dir = path.join(tmp, `${name}-${++copies}`);
  fs.cpSync(await baseRun(), dir, { recursive: true });
  return dir;
}

/** As a kill part way leaves a score run: no complete.json, and only the first `keep` lines of scores.jsonl. */
function asKilled(dir: string, keep: number): void {
  fs.rmSync(path.join(dir, 'complete.json'));
  const lines = fs.readFileSync(path.join(dir, 'scores.jsonl'), 'utf8').trimEnd().split('\n');
  fs.writeFileSync(path.join(dir, 'scores.jsonl'), lines.slice(0, keep).join('\n') + '\n');
}

function traceIndex(dir: string): { pair: string; role: string; index: number; offset: number; bytes: number }[] {
  return fs.readFileSync(path.join(dir, 'traces.index.jsonl'), 'utf8').trimEnd().split('\n').slice(1).map((l) => JSON.parse(l));
}

/** A process that stays alive while the test runs: its pid makes a lock that is held by a running process. */
function liveLock(dir: string, command = 'score'): void {
  fs.writeFileSync(path.join(dir, 'run.lock'), JSON.stringify({ host: os.hostname(), pid: process.pid, startedAt: new Date().toISOString(), command }) + '\n');
}

test('defect 2: show/inspect --html never replace a run\'s own files, a symlink, a FIFO, a device or a file endorm did not write (exit 2); a page endorm wrote is replaced', async () => {
  const run = await copyOfBase('html');
  const show = (file: string) => endorm(['show', run, '--pair', 'story-001', '--html', file]);
  for (const name of ['scores.jsonl', 'run.json', 'traces.bin', 'summary.json']) {
    const file = path.join(run, name);
    const before = bytes(file);
    const r = await show(file);
    assert.equal(r.code, EXIT.usage, `${name}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`--html ${file} is ${name.replace('.', '\\.')} of the run in ${run}`));
    assert.deepEqual(bytes(file), before, `${name} is untouched`);
  }
  const mine = path.join(tmp, 'mine.html');
  fs.writeFileSync(mine, '<p>my page</p>\n');
  const link = path.join(tmp, 'link.html');
  fs.symlinkSync(mine, link);
  const viaLink = await show(link);
  assert.equal(viaLink.code, EXIT.usage, viaLink.stderr);
  assert.match(viaLink.stderr, new RegExp(`--html ${link} is a symbolic link \\(to ${mine}\\)`));
  assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link stays a link');
  const user = await show(mine);
  assert.equal(user.code, EXIT.usage, user.stderr);
  assert.match(user.stderr, /exists and is not a page endorm wrote/);
  assert.equal(fs.readFileSync(mine, 'utf8'), '<p>my page</p>\n');
  const fifo = path.join(tmp, 'page.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const intoFifo = await show(fifo);
  assert.equal(intoFifo.code, EXIT.usage, intoFifo.stderr);
  assert.match(intoFifo.stderr, /is a FIFO \(named pipe\), not a file/);
  assert.ok(fs.lstatSync(fifo).isFIFO());
  const device = await show('/dev/null');
  assert.equal(device.code, EXIT.usage, device.stderr);
  assert.match(device.stderr, /--html \/dev\/null is a character device, not a file/);
  assert.ok(fs.lstatSync('/dev/null').isCharacterDevice());
  // inspect refuses before the model loads.
  const inspect = await endorm(['inspect', '--model', STORIES, '--template', 'none', '--prompt', 'Once', '--response', ' upon a time', '--html', fifo]);
  assert.equal(inspect.code, EXIT.usage, inspect.stderr);
  // A new path, then the page endorm wrote there: both fine.
  const page = path.join(tmp, 'story-001.html');
  for (let i = 0; i < 2; i++) {
    const r = await show(page);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.match(fs.readFileSync(page, 'utf8'), /<meta name="generator" content="endorm">/);
});

test('defect 4: report --out into another run, a run being written or a user\'s folder is refused (exit 2 or 7) unless --force; a folder of endorm\'s reports is rewritten', async () => {
  const run = await baseRun();
  const other = await copyOfBase('other-run');
  const summary = bytes(path.join(other, 'summary.json'));
  const intoRun = await endorm(['report', run, '--out', other]);
  assert.equal(intoRun.code, EXIT.usage, intoRun.stderr);
  assert.match(intoRun.stderr, new RegExp(`--out ${other} holds another run \\(its run\\.json\\).*or --force`));
  assert.deepEqual(bytes(path.join(other, 'summary.json')), summary);

  const running = await copyOfBase('running-run');
  liveLock(running);
  const runningSummary = bytes(path.join(running, 'summary.json'));
  for (const force of [[], ['--force']]) {
    const r = await endorm(['report', run, '--out', running, ...force]);
    assert.equal(r.code, EXIT.locked, r.stderr);
    assert.match(r.stderr, new RegExp(`--out ${running} is being written by endorm score \\(pid ${process.pid}`));
  }
  assert.deepEqual(bytes(path.join(running, 'summary.json')), runningSummary);

  const users = path.join(tmp, 'users-folder');
  fs.mkdirSync(users);
  fs.writeFileSync(path.join(users, 'thesis.tex'), 'mine');
  const intoUsers = await endorm(['report', run, '--out', users]);
  assert.equal(intoUsers.code, EXIT.usage, intoUsers.stderr);
  assert.match(intoUsers.stderr, /holds files endorm did not write \(1: "thesis\.tex"\)/);
  assert.deepEqual(fs.readdirSync(users), ['thesis.tex']);
  const linked = path.join(tmp, 'linked-reports');
  fs.symlinkSync(users, linked);
  const intoLink = await endorm(['report', run, '--out', linked]);
  assert.equal(intoLink.code, EXIT.usage, intoLink.stderr);
  assert.match(intoLink.stderr, /is a symbolic link/);

  // --force writes there anyway; into another run it holds that run's lock meanwhile (released after).
  const forced = await endorm(['report', run, '--out', users, '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.ok(fs.existsSync(path.join(users, 'report.md')));
  const forcedRun = await endorm(['report', run, '--out', other, '--force']);
  assert.equal(forcedRun.code, 0, forcedRun.stderr);
  assert.equal(fs.existsSync(path.join(other, 'run.lock')), false);

  // A folder endorm's reports are in is rewritten, again and again.
  const reports = path.join(tmp, 'reports');
  for (let i = 0; i < 2; i++) {
    const r = await endorm(['report', run, '--out', reports]);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.deepEqual(json(path.join(reports, 'summary.json')).methods, json(path.join(run, 'summary.json')).methods);
});

test('defect 5: a run folder records its completeness (complete.json, written last); report, rescore and readRun refuse or flag a folder without it, and a resume completes it', async () => {
  const run = await baseRun();
  const marker = json(path.join(run, 'complete.json'));
  assert.equal(marker.complete, true);
  assert.equal(marker.writtenBy, 'score');
  assert.equal(marker.records, 8);
  assert.equal(marker.lines, 16);
  assert.equal(marker.scoresBytes, fs.statSync(path.join(run, 'scores.jsonl')).size);
  assert.equal((await readRun(run)).completeness.complete, true);

  const killed = await copyOfBase('killed');
  asKilled(killed, 5);
  const report = await endorm(['report', killed]);
  assert.equal(report.code, EXIT.input, report.stderr);
  assert.match(report.stderr, new RegExp(`${killed} is not a finished run, which (?:report|rescore) reads only: it has no complete\\.json.*endorm score --resume ${killed}`));
  const out = path.join(tmp, 'killed-report');
  const elsewhere = await endorm(['report', killed, '--out', out]);
  assert.equal(elsewhere.code, EXIT.input, elsewhere.stderr);
  assert.equal(fs.existsSync(out), false, 'nothing made');
  const rescore = await endorm(['rescore', killed, '--methods', 'loglik-mean', '--out', path.join(tmp, 'killed-rescore'), '--quiet']);
  assert.equal(rescore.code, EXIT.input, rescore.stderr);
  assert.match(rescore.stderr, /is not a finished run/);
  const contents = await readRun(killed);
  assert.equal(contents.completeness.complete, false);

  const resumed = await endorm(['score', '--resume', killed, '--quiet']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(json(path.join(killed, 'complete.json')).records, 8);
  assert.equal((await endorm(['report', killed])).code, 0);

  // scores.jsonl changed after the run finished: not the run complete.json speaks for.
  fs.appendFileSync(path.join(killed, 'scores.jsonl'), fs.readFileSync(path.join(killed, 'scores.jsonl'), 'utf8').split('\n')[0] + '\n');
  const changed = await endorm(['report', killed]);
  assert.equal(changed.code, EXIT.input, changed.stderr);
  assert.match(changed.stderr, /scores\.jsonl has \d+ bytes but complete\.json recorded \d+: it changed after the run finished/);

  // A run an older endorm wrote (no settingsSha256, no complete.json) is read as it stands, with a note saying so.
  const older = await copyOfBase('older');
  const { settingsSha256: _seal, ...manifest } = json(path.join(older, 'run.json'));
  fs.writeFileSync(path.join(older, 'run.json'), JSON.stringify(manifest, null, 2));
  fs.rmSync(path.join(older, 'complete.json'));
  const olderReport = await endorm(['report', older]);
  assert.equal(olderReport.code, 0, olderReport.stderr);
  assert.match(olderReport.stderr, /written by an older endorm that did not record completeness/);
});

test('defect 5: a killed rescore --out or merge, and a rescore that failed, leave folders readers refuse; the same command run again redoes them into what a clean run gives', async () => {
  const run = await baseRun();
  const rescoreArgs = (out: string) => ['rescore', run, '--methods', 'endorm:gamma=0.9,loglik-mean', '--out', out, '--quiet'];
  const clean = path.join(tmp, 'rescore-clean');
  assert.equal((await endorm(rescoreArgs(clean))).code, 0);
  assert.equal(json(path.join(clean, 'complete.json')).writtenBy, 'rescore');
  const killed = path.join(tmp, 'rescore-killed');
  fs.cpSync(clean, killed, { recursive: true });
  asKilled(killed, 3);
  const read = await endorm(['report', killed]);
  assert.equal(read.code, EXIT.input, read.stderr);
  assert.match(read.stderr, /run the same endorm rescore again/);
  const again = await endorm(rescoreArgs(killed));
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(bytes(path.join(killed, 'scores.jsonl')), bytes(path.join(clean, 'scores.jsonl')));
  assert.deepEqual(json(path.join(killed, 'summary.json')).methods, json(path.join(clean, 'summary.json')).methods);

  // A rescore that fails part way (a trace of other tokens than its line: exit 3) leaves a folder no reader takes.
  const damaged = await copyOfBase('damaged-tokens');
  const scores = path.join(damaged, 'scores.jsonl');
  const lines = fs.readFileSync(scores, 'utf8').trimEnd().split('\n');
  const last = JSON.parse(lines.at(-1)!);
  // Same number of digits: scores.jsonl keeps the size complete.json recorded.
  lines[lines.length - 1] = lines.at(-1)!.replace(`"tokens":${last.tokens}`, `"tokens":${last.tokens % 10 === 9 ? last.tokens - 1 : last.tokens + 1}`);
  fs.writeFileSync(scores, lines.join('\n') + '\n');
  const failedOut = path.join(tmp, 'rescore-failed');
  const failed = await endorm(['rescore', damaged, '--methods', 'loglik-mean', '--out', failedOut, '--quiet']);
  assert.equal(failed.code, EXIT.input, failed.stderr);
  assert.match(failed.stderr, /the traces belong to another scoring of this response/);
  // It failed before its first score line, in a folder it made itself: the folder is taken away again (no half-made
  // run is left to read, or to refuse the corrected command), so a reader finds no run there.
  assert.equal(fs.existsSync(failedOut), false);
  const readFailed = await endorm(['report', failedOut]);
  assert.equal(readFailed.code, EXIT.input, readFailed.stderr);
  assert.match(readFailed.stderr, /run folder not found/);

  // merge: two shards, merged once cleanly; a merge killed part way is refused by readers and redone by the same merge.
  const shards = [];
  for (const k of [1, 2]) {
    const dir = path.join(tmp, `shard-${k}`);
    const r = await endorm(['score', ...scoreArgs, '--shard', `${k}/2`, '--out', dir]);
    assert.equal(r.code, 0, r.stderr);
    shards.push(dir);
  }
  const merged = path.join(tmp, 'merged-clean');
  assert.equal((await endorm(['merge', ...shards, '--out', merged])).code, 0);
  assert.equal(json(path.join(merged, 'complete.json')).writtenBy, 'merge');
  const halfMerged = path.join(tmp, 'merged-killed');
  fs.cpSync(merged, halfMerged, { recursive: true });
  asKilled(halfMerged, 4);
  fs.rmSync(path.join(halfMerged, 'summary.json'));
  fs.truncateSync(path.join(halfMerged, 'traces.bin'), 100);
  const readMerged = await endorm(['rescore', halfMerged, '--methods', 'loglik-mean', '--out', path.join(tmp, 'rescore-of-half-merge'), '--quiet']);
  assert.equal(readMerged.code, EXIT.input, readMerged.stderr);
  assert.match(readMerged.stderr, /run the same endorm merge again/);
  const otherShards = await endorm(['merge', shards[0]!, '--out', halfMerged]);
  assert.equal(otherShards.code, EXIT.usage, otherShards.stderr);
  assert.match(otherShards.stderr, /already holds a merge of other shards/);
  const redo = await endorm(['merge', ...shards, '--out', halfMerged]);
  assert.equal(redo.code, 0, redo.stderr);
  for (const name of ['scores.jsonl', 'traces.bin', 'traces.index.jsonl']) assert.deepEqual(bytes(path.join(halfMerged, name)), bytes(path.join(merged, name)), name);
  assert.deepEqual(json(path.join(halfMerged, 'summary.json')).methods, json(path.join(merged, 'summary.json')).methods);
  // The same merge over a finished one (a kill after it finished) gives the same folder; a scored run is never merged over.
  const done = await endorm(['merge', ...shards, '--out', merged]);
  assert.equal(done.code, 0, done.stderr);
  assert.deepEqual(bytes(path.join(merged, 'scores.jsonl')), bytes(path.join(halfMerged, 'scores.jsonl')));
  const overRun = await endorm(['merge', ...shards, '--out', shards[0]!]);
  assert.equal(overRun.code, EXIT.usage, overRun.stderr);
  assert.match(overRun.stderr, /already holds a run; give merge a new --out folder/);

  // Minor: a shard still being scored is said to be running (exit 7), not to need a resume.
  const running = path.join(tmp, 'shard-2-running');
  fs.cpSync(shards[1]!, running, { recursive: true });
  asKilled(running, 2);
  liveLock(running);
  const mergeRunning = await endorm(['merge', shards[0]!, running, '--out', path.join(tmp, 'merged-running')]);
  assert.equal(mergeRunning.code, EXIT.locked, mergeRunning.stderr);
  assert.match(mergeRunning.stderr, new RegExp(`shard 2/2 \\(${running}\\) is still running: it is being written by endorm score \\(pid ${process.pid}`));
  assert.doesNotMatch(mergeRunning.stderr, /resume it/);
});

test('defect 6: a resume refuses a hand-edited run.json (other methods, traces: false, a negative limit) with exit 2 naming the field', async () => {
  const edits: [string, (m: Record<string, any>) => void][] = [
    ['settings.methods', (m) => (m.settings.methods = ['loglik'])],
    ['settings.traces', (m) => (m.settings.traces = false)],
    ['settings.limit', (m) => (m.settings.limit = -1)],
    ['settings.maxLength', (m) => (m.settings.maxLength = 64)],
  ];
  for (const [field, edit] of edits) {
    const run = await copyOfBase('edited');
    asKilled(run, 6);
    const manifest = json(path.join(run, 'run.json'));
    edit(manifest);
    fs.writeFileSync(path.join(run, 'run.json'), JSON.stringify(manifest, null, 2));
    const scores = bytes(path.join(run, 'scores.jsonl'));
    const r = await endorm(['score', '--resume', run, '--quiet']);
    assert.equal(r.code, EXIT.usage, `${field}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`run\\.json: field "${field.replace('.', '\\.')}"`));
    assert.deepEqual(bytes(path.join(run, 'scores.jsonl')), scores, 'nothing was scored');
  }
  const unedited = await copyOfBase('unedited');
  asKilled(unedited, 6);
  assert.equal((await endorm(['score', '--resume', unedited, '--quiet'])).code, 0);
});

test('defect 3: a deleted traces.index.jsonl (with or without traces.bin): the resume traces every response again, no unindexed bytes stay, and rescore covers every pair', async () => {
  for (const [what, remove, keep] of [
    ['killed, index deleted', ['traces.index.jsonl'], 7],
    ['killed, index and data deleted', ['traces.index.jsonl', 'traces.bin'], 7],
    ['finished, index deleted', ['traces.index.jsonl'], 16],
  ] as const) {
    const run = await copyOfBase('lost-index');
    if (keep < 16) asKilled(run, keep);
    for (const name of remove) fs.rmSync(path.join(run, name));
    const r = await endorm(['score', '--resume', run, '--quiet']);
    assert.equal(r.code, 0, `${what}: ${r.stderr}`);
    const entries = traceIndex(run);
    assert.equal(new Set(entries.map((e) => `${e.pair}/${e.role}/${e.index}`)).size, 16, `${what}: every response has a trace`);
    assert.equal(fs.statSync(path.join(run, 'traces.bin')).size, entries.reduce((n, e) => n + e.bytes, 0), `${what}: no unindexed bytes`);
    const out = path.join(tmp, `rescored-${copies}`);
    const rescore = await endorm(['rescore', run, '--methods', 'loglik-mean', '--out', out, '--quiet']);
    assert.equal(rescore.code, 0, rescore.stderr);
    assert.equal(json(path.join(out, 'summary.json')).counts.pairs, 8, `${what}: the rescore covers every pair`);
  }
  // An index that lost entries (a resume not run yet): rescore refuses rather than cover part of the run.
  const cut = await copyOfBase('cut-index');
  const index = fs.readFileSync(path.join(cut, 'traces.index.jsonl'), 'utf8').trimEnd().split('\n');
  fs.writeFileSync(path.join(cut, 'traces.index.jsonl'), index.slice(0, 6).join('\n') + '\n');
  const partial = await endorm(['rescore', cut, '--methods', 'loglik-mean', '--out', path.join(tmp, 'rescore-cut'), '--quiet']);
  assert.equal(partial.code, EXIT.input, partial.stderr);
  assert.match(partial.stderr, /11 of 16 responses have no token trace/);
  assert.equal(fs.existsSync(path.join(tmp, 'rescore-cut')), false);
});

test('defect 7: traces.bin replaced by a folder is exit 6 without a stack on resume and rescore; minor: rescore --out onto its own run is exit 2', async () => {
  const run = await copyOfBase('bin-folder');
  asKilled(run, 6);
  fs.rmSync(path.join(run, 'traces.bin'));
  fs.mkdirSync(path.join(run, 'traces.bin'));
  const resume = await endorm(['score', '--resume', run, '--quiet']);
  assert.equal(resume.code, EXIT.cannotWrite, resume.stderr);
  assert.match(resume.stderr, /traces\.bin.*\(EISDIR\)/);
  assert.doesNotMatch(resume.stderr, /at .*\.js:\d+/);
  const finished = await copyOfBase('bin-folder-finished');
  fs.rmSync(path.join(finished, 'traces.bin'));
  fs.mkdirSync(path.join(finished, 'traces.bin'));
  const rescore = await endorm(['rescore', finished, '--methods', 'loglik-mean', '--out', path.join(tmp, 'rescore-bin-folder'), '--quiet']);
  assert.equal(rescore.code, EXIT.cannotWrite, rescore.stderr);
  assert.match(rescore.stderr, /traces\.bin.*\(EISDIR\)/);
  assert.doesNotMatch(rescore.stderr, /at .*\.js:\d+/);

  const own = await baseRun();
  const onto = await endorm(['rescore', own, '--methods', 'loglik-mean', '--out', own]);
  assert.equal(onto.code, EXIT.usage, onto.stderr);
  assert.match(onto.stderr, /is the run being rescored/);
});

/**
 * Starts `args`, sends `signal` the moment `lockDir/run.lock` appears (the command is then writing), and returns how
 * it ended. A command that finished before the signal landed is started again (`fresh` gives each try its arguments).
 */
async function signalWhileLocked(fresh: (attempt: number) => { args: string[]; lockDir: string }, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string; lockDir: string }> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const { args, lockDir } = fresh(attempt);
    const running = startEndorm(args, { ENDORM_CACHE: process.env['ENDORM_CACHE']! });
    const lock = path.join(lockDir, 'run.lock');
    let sent = false;
    const poll = setInterval(() => {
      if (!sent && fs.existsSync(lock)) {
        sent = true;
        running.child.kill(signal);
      }
    }, 1);
    const end = await running.finished;
    clearInterval(poll);
    if (sent && end.code !== 0) return { code: end.code, stderr: end.stderr, lockDir };
  }
  throw new Error(`${signal} never landed while the command held its lock`);
}

/** Shards of a large synthetic run, each a finished run as the scorer leaves it (sealed run.json, summary, complete.json). */
async function syntheticShards(records: number): Promise<string[]> {
  const whole = path.join(tmp, 'synthetic-whole');
  const manifest = await writeSyntheticRun(whole, { records, kind: 'pairs', styles: 1, methods: [{ spec: 'endorm', kind: 'response', skill: 1, styleBias: 0 }] });
  const lines = fs.readFileSync(path.join(whole, 'scores.jsonl'), 'utf8').trimEnd().split('\n');
  const shards: string[] = [];
  for (const index of [1, 2]) {
    const dir = path.join(tmp, `synthetic-shard-${index}`);
    const own = lines.filter((l) => shardOfKey(JSON.parse(l).pair, 2) === index);
    await writeManifest(dir, { ...manifest, settings: { ...manifest.settings, shard: { index, count: 2 } } });
    fs.writeFileSync(path.join(dir, 'scores.jsonl'), own.map((l) => l + '\n').join(''));
    const timing = { startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:01:00Z', seconds: 60 };
    fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ timing, counts: { pairs: own.length / 2, skipped: 0 } }));
    await markComplete(dir, 'score');
    shards.push(dir);
  }
  return shards;
}

test('defect 9: SIGTERM or SIGINT during rescore, merge or report releases run.lock and leaves no run.lock.* file; a merge stopped so is redone by the same command', async () => {
  const shards = await syntheticShards(6_000);
  const noLock = (dir: string) => assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('run.lock')), [], `${dir}: no run.lock left`);

  const merge = await signalWhileLocked((n) => {
    const out = path.join(tmp, `merge-stopped-${n}`);
    return { args: ['merge', ...shards, '--out', out], lockDir: out };
  }, 'SIGTERM');
  assert.equal(merge.code, EXIT.terminated, merge.stderr);
  noLock(merge.lockDir);
  const redo = await runCliInProcess(['merge', ...shards, '--out', merge.lockDir]);
  assert.equal(redo.code, 0, redo.stderr);
  assert.equal(json(path.join(merge.lockDir, 'complete.json')).records, 6_000);

  const report = await signalWhileLocked(() => ({ args: ['report', merge.lockDir], lockDir: merge.lockDir }), 'SIGINT');
  assert.equal(report.code, EXIT.interrupted, report.stderr);
  noLock(report.lockDir);

  const run = await baseRun();
  const gammas = Array.from({ length: 24 }, (_, i) => (0.5 + i / 50).toFixed(2)).join(',');
  const rescore = await signalWhileLocked((n) => {
    const out = path.join(tmp, `rescore-stopped-${n}`);
    return { args: ['rescore', run, '--gamma', gammas, '--out', out, '--quiet'], lockDir: out };
  }, 'SIGTERM');
  assert.equal(rescore.code, EXIT.terminated, rescore.stderr);
  noLock(rescore.lockDir);
});
