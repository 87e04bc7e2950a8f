#!/usr/bin/env node
// What a settings sweep costs: a 20-value α × γ grid in one model pass plus a rescore, against one setting.
//
//   npm run build && node scripts/bench-grid.mjs [--repeat 2] [--threads N] [--records-per-domain 25] [--model DIR]
//
// In one run, on the same machine and cache: (a0) `score` with one setting and --no-traces, (a) `score` with one setting
// (traces on, the default), (b) `score --alpha 0.25,0.5,1,2 --gamma 0.8,0.9,0.95,0.99,1` (20 endorm methods, one
// pass) and (c) `rescore` of (b) with the same grid. Each is a full CLI process (startup included), timed by the wall
// clock and, through /usr/bin/time, by its CPU time (user + sys). The sequence a0, a, b, c is repeated --repeat times
// and each step's fastest time is kept, so that other load on a shared machine disturbs the ratio less (--threads 1
// makes CPU time steadier still: a lone onnxruntime thread does not spin waiting for others). Records: the
// first N of each RM-Bench file in ../shared/datasets/rm-bench (4 files: 4N records).
// Prints the times, the ratios (b + c) / a0 and (b + c) / a, trace sizes, and checks that (c) reproduces (b)'s scores.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'records-per-domain': { type: 'string', default: '25' },
    repeat: { type: 'string', default: '2' },
    threads: { type: 'string' },
    model: { type: 'string', default: join(root, '..', 'shared', 'models', 'stories260K') },
    'rm-bench': { type: 'string', default: join(root, '..', 'shared', 'datasets', 'rm-bench') },
  },
});
const perDomain = Number(values['records-per-domain']);
const ALPHAS = '0.25,0.5,1,2';
const GAMMAS = '0.8,0.9,0.95,0.99,1';

const work = mkdtempSync(join(tmpdir(), 'endorm-bench-grid-'));
const dataset = join(work, 'rm-bench');
let records = 0;
spawnSync('mkdir', ['-p', dataset]);
for (const name of readdirSync(values['rm-bench']).filter((n) => n.endsWith('_filtered.json')).sort()) {
  const rows = JSON.parse(readFileSync(join(values['rm-bench'], name), 'utf8')).slice(0, perDomain);
  records += rows.length;
  writeFileSync(join(dataset, name), JSON.stringify(rows));
}
const env = { ...process.env, ENDORM_CACHE: join(work, 'cache') };
const common = ['--model', values.model, '--template', 'none', '--dataset', dataset, '-q', ...(values.threads ? ['--threads', values.threads] : [])];

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Runs `endorm ARGS` into a fresh OUT; returns wall and CPU seconds. */
function endorm(args, out) {
  rmSync(out, { recursive: true, force: true });
  const command = [process.execPath, join(root, 'bin', 'endorm'), ...args, '--out', out];
  const started = performance.now();
  const run = TIME
    ? spawnSync(TIME, ['-f', 'endorm-cpu %U %S', ...command], { env, encoding: 'utf8' })
    : spawnSync(command[0], command.slice(1), { env, encoding: 'utf8' });
  const wall = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`endorm ${args.join(' ')} failed (${run.status}):\n${run.stderr}`);
  const cpu = /endorm-cpu ([\d.]+) ([\d.]+)/.exec(run.stderr);
  return { wall, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN };
}

const STEPS = [
  ['a0', '(a0) score, 1 setting, --no-traces', ['score', ...common, '--methods', 'endorm', '--no-traces'], 'single-no-traces'],
  ['a', '(a)  score, 1 setting (traces on)', ['score', ...common, '--methods', 'endorm'], 'single'],
  ['b', `(b)  score, grid α ${ALPHAS} × γ ${GAMMAS}`, ['score', ...common, '--alpha', ALPHAS, '--gamma', GAMMAS], 'grid'],
  ['c', '(c)  rescore (b), the same 20-value grid', ['rescore', join(work, 'grid'), '--alpha', ALPHAS, '--gamma', GAMMAS, '-q'], 'grid-rescore'],
];

console.log(`${records} RM-Bench records (${perDomain} per file), model ${values.model}, threads ${values.threads ?? 'default'}, node ${process.version}, folder ${work}`);
endorm(['score', ...common, '--limit', '1', '--methods', 'endorm'], join(work, 'warm-up')); // builds the cached scoring graph
const best = {};
for (let r = 1; r <= Number(values.repeat); r++) {
  for (const [key, label, args, out] of STEPS) {
    const t = endorm(args, join(work, out));
    console.log(`round ${r} ${label.padEnd(58)} wall ${t.wall.toFixed(2).padStart(7)} s   cpu ${t.cpu.toFixed(2).padStart(7)} s`);
    best[key] = { wall: Math.min(best[key]?.wall ?? Infinity, t.wall), cpu: Math.min(best[key]?.cpu ?? Infinity, t.cpu) };
  }
}
const { a0, a, b, c } = best;
console.log('fastest of each:');
for (const [key, label] of STEPS) console.log(`  ${label.padEnd(58)} wall ${best[key].wall.toFixed(2).padStart(7)} s   cpu ${best[key].cpu.toFixed(2).padStart(7)} s`);
for (const kind of ['wall', 'cpu']) {
  console.log(`${kind}: grid + rescore ${(b[kind] + c[kind]).toFixed(2)} s; (b + c) / a0 = ${((b[kind] + c[kind]) / a0[kind]).toFixed(3)}, (b + c) / a = ${((b[kind] + c[kind]) / a[kind]).toFixed(3)}`);
}

const summary = JSON.parse(readFileSync(join(work, 'grid', 'summary.json'), 'utf8'));
const t = summary.traces;
console.log(`traces of (b): ${t.responses} responses, ${t.tokens} tokens, α = ${t.alphas.join(', ')}: traces.bin ${(t.dataBytes / 2 ** 20).toFixed(2)} MiB + index ${(t.indexBytes / 2 ** 10).toFixed(1)} KiB, written in ${t.writeSeconds.toFixed(2)} s`);
const single = JSON.parse(readFileSync(join(work, 'single', 'summary.json'), 'utf8')).traces;
console.log(`traces of (a): ${single.responses} responses, α = ${single.alphas.join(', ')}: traces.bin ${(single.dataBytes / 2 ** 20).toFixed(2)} MiB, written in ${single.writeSeconds.toFixed(2)} s`);

// (c) must reproduce (b): same float32 inputs, same method code.
const lines = (dir) => new Map(readFileSync(join(work, dir, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((r) => [`${r.pair}/${r.role}/${r.index}`, r.scores]));
const direct = lines('grid');
let worst = 0;
let compared = 0;
for (const [key, scores] of lines('grid-rescore')) {
  for (const [spec, value] of Object.entries(scores)) {
    const expected = direct.get(key)[spec];
    worst = Math.max(worst, Math.abs(value - expected) / Math.max(1e-300, Math.abs(expected)));
    compared++;
  }
}
console.log(`rescore vs one-pass grid: ${compared} scores, largest relative difference ${worst.toExponential(2)}`);
console.log(`grid accuracy (RM-Bench average, %): ${Object.entries(summary.methods).filter(([s]) => s.includes('gamma=')).map(([s, m]) => `${s.slice(7)} ${(100 * m.rmBench.average).toFixed(1)}`).join('; ')}`);
