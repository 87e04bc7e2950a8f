#!/usr/bin/env node
// What a kill -9 of `merge`, `rescore --out` or `report` leaves, as its readers and a rerun see it (issue 19).
//
//   npm run build && node scripts/measure-kill-readers.mjs [--kills 8] [--copies 2] [--seed 1] [--model DIR]
//
// Once: the story sample --copies times over is scored (traced) whole and as shards 1/2 and 2/2. Per command (merge of
// the shards, rescore --out of the whole run, report of the whole run into --out, report of a copy of it in place):
// one uninterrupted run gives the clean folder and how long the command writes (from the moment its lock, or its
// --out folder, appears to its exit); then each of --kills runs is SIGKILLed at a uniformly random moment of that span
// (seeded), counted from the same moment. After each kill, the readers (`report DIR --out`, `rescore DIR --out`;
// for report --out, whose folder holds no run, none) say whether they take the folder; then the same command runs
// again and its folder is compared with the clean one: scores.jsonl, traces.index.jsonl, traces.bin byte for byte,
// summary.json's methods and counts, run.json's settings, and the set of file names (temporary files a kill left
// aside). A kill is *safe* when every reader refused the folder or the folder was already the clean one, and the rerun
// exits 0 with the clean folder. Prints, per command: kills, kills that landed before the exit, reader verdicts, reruns
// identical, unsafe kills.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../dist/util/prng.js';
import { writeStoryCopies } from './story-copies.mjs';
import { parseArgs } from 'node:util';
import { isDeepStrictEqual } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '8' },
    copies: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    model: { type: 'string', default: join(root, '..', 'shared', 'models', 'stories260K') },
  },
});

const work = mkdtempSync(join(tmpdir(), 'endorm-kill-readers-'));
const env = { ...process.env, ENDORM_CACHE: join(work, 'cache') };
const dataset = join(work, 'stories.jsonl');
writeStoryCopies(dataset, Number(values.copies));

const random = mulberry32(Number(values.seed));

/**
 * Runs bin/endorm. With `o.watch` (a path), `writingMs` is the time from the moment that path appears (the command
 * starts writing: its lock, or its --out folder) to the exit, and `o.killAfterMs` SIGKILLs it that long after that moment.
 */
function endorm(args, o = {}) {
  const child = spawn(process.execPath, [join(root, 'bin', 'endorm'), ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let writing;
  let timer;
  const poll = o.watch && setInterval(() => {
    if (writing !== undefined || !existsSync(o.watch)) return;
    writing = performance.now();
    if (o.killAfterMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), o.killAfterMs);
  }, 1);
  return new Promise((done) =>
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      done({ code, signal, stderr, writingMs: writing === undefined ? undefined : performance.now() - writing });
    }),
  );
}

async function must(args, o) {
  const r = await endorm(args, o);
  if (r.code !== 0) throw new Error(`endorm ${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
  return r;
}

const common = ['--model', values.model, '--dataset', dataset, '--template', 'none', '--methods', 'endorm,loglik', '--quiet'];
const whole = join(work, 'whole');
await must(['score', ...common, '--out', whole]);
const shards = [1, 2].map((k) => join(work, `shard-${k}`));
for (const [i, dir] of shards.entries()) await must(['score', ...common, '--shard', `${i + 1}/2`, '--out', dir]);

const read = (file) => (existsSync(file) ? readFileSync(file) : undefined);
const json = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};
/**
 * Names a kill leaves beside a folder's files: an atomic write's temporary file, a staged lock, and the killed
 * process's run.lock (the next writer takes it over, saying so; readers see its process is gone). The next writer
 * clears them.
 */
const aside = (name) => /\.tmp-\d+$|^run\.lock(?:$|\.)/.test(name);

/** Whether `dir` is the same folder as `clean`, up to times, paths and the temporary files a kill left aside. */
function sameAs(dir, clean) {
  if (!existsSync(dir)) return false;
  const names = (d) => readdirSync(d).filter((n) => !aside(n)).sort();
  if (!isDeepStrictEqual(names(dir), names(clean))) return false;
  for (const name of ['scores.jsonl', 'traces.index.jsonl', 'traces.bin']) {
    const a = read(join(dir, name));
    const b = read(join(clean, name));
    if ((a === undefined) !== (b === undefined) || (a && !a.equals(b))) return false;
  }
  const summary = (d) => json(join(d, 'summary.json'));
  const [a, b] = [summary(dir), summary(clean)];
  if (!a || !b || !isDeepStrictEqual(a.methods, b.methods) || !isDeepStrictEqual(a.counts, b.counts)) return false;
  return isDeepStrictEqual(json(join(dir, 'run.json'))?.settings, json(join(clean, 'run.json'))?.settings);
}

const commands = [
  { name: 'merge', args: (out) => ['merge', ...shards, '--out', out], runFolder: true, watch: (out) => join(out, 'run.lock') },
  { name: 'rescore --out', args: (out) => ['rescore', whole, '--methods', 'endorm:gamma=0.9,loglik-mean', '--out', out, '--quiet'], runFolder: true, watch: (out) => join(out, 'run.lock') },
  { name: 'report --out', args: (out) => ['report', whole, '--out', out], runFolder: false, watch: (out) => out },
  { name: 'report (in place)', args: (out) => ['report', out], runFolder: true, prepare: (out) => cpSync(whole, out, { recursive: true }), watch: (out) => join(out, 'run.lock') },
];

const rows = [];
let n = 0;
for (const command of commands) {
  const clean = join(work, `clean-${++n}`);
  command.prepare?.(clean);
  const { writingMs } = await must(command.args(clean), { watch: command.watch(clean) });
  const row = { command: command.name, writingMs: Math.round(writingMs), kills: 0, landed: 0, readersRefused: 0, readersTookClean: 0, readersTookOther: 0, rerunsIdentical: 0, unsafe: 0 };
  for (let k = 0; k < Number(values.kills); k++) {
    const out = join(work, `killed-${++n}`);
    command.prepare?.(out);
    const killed = await endorm(command.args(out), { watch: command.watch(out), killAfterMs: random() * writingMs });
    row.kills++;
    if (killed.signal === 'SIGKILL') row.landed++;
    let safe = true;
    if (command.runFolder && existsSync(out)) {
      const alreadyClean = sameAs(out, clean);
      for (const reader of [
        ['report', out, '--out', join(work, `reader-${++n}`)],
        ['rescore', out, '--methods', 'loglik-mean', '--out', join(work, `reader-${++n}`), '--quiet'],
      ]) {
        const r = await endorm(reader);
        if (r.code !== 0) row.readersRefused++;
        else if (alreadyClean) row.readersTookClean++;
        else {
          row.readersTookOther++;
          safe = false;
        }
      }
    }
    const rerun = await endorm(command.args(out));
    if (rerun.code === 0 && sameAs(out, clean)) row.rerunsIdentical++;
    else {
      safe = false;
      process.stderr.write(`${command.name}: rerun after a kill ${Math.round(killed.writingMs ?? 0)} ms into its writing: exit ${rerun.code}${rerun.code === 0 ? ', a folder unlike the clean one' : `\n${rerun.stderr}`}\n`);
    }
    if (!safe) row.unsafe++;
  }
  rows.push(row);
}
console.table(rows);
rmSync(work, { recursive: true, force: true });
