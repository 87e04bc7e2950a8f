#!/usr/bin/env node
// What the scoring-graph cache costs: peak RSS and time of preparing a model's scoring graph (this tree against an
// older build, each in its own process so that its peak RSS is its own), whether both wrote the same bytes, and what
// checking a cached graph costs on every later run.
// Usage: npm run build && node scripts/measure-graph-cache.mjs MODEL_DIR [--baseline REV | --baseline-dist DIR] [--score DATASET] [--replaced]
//   --baseline REV       builds the project at git revision REV into a temporary folder and measures it too
//   --baseline-dist DIR  the dist/ folder of such a build, already made
//   --score DATASET      also the peak RSS of a whole `endorm score` (2 pairs) of each build: first run, then a later one
//   --replaced           also what content-checked caches cost (issue 19, 1), on a copy of the model: a later run with
//                        the model unchanged, one after a byte of it changed with size and mtime kept (as `cp -p` of
//                        another export leaves it), and one after only its times moved
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const script = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') {
  // Child: one call of prepareScoringGraph from the given build, into the given cache.
  const [, , , dist, onnxFile, cache] = process.argv;
  const { prepareScoringGraph } = await import(path.join(dist, 'onnx', 'scoring-graph-cache.js'));
  const notes = [];
  const t0 = performance.now();
  const graph = await prepareScoringGraph(onnxFile, cache, { onNote: (n) => notes.push(n) });
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ graph, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, notes }));
  process.exit(0);
}

if (process.argv[2] === '--child-hash') {
  // Child: the sha256 a run records for the model's file (run.json), from the file-hash cache in the given cache root.
  const [, , , dist, file, cache] = process.argv;
  const { cachedFileSha256 } = await import(path.join(dist, 'model', 'file-hashes.js'));
  let hashed = 0;
  const t0 = performance.now();
  await cachedFileSha256(file, { cacheRoot: cache, onHash: () => hashed++ });
  console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, hashed }));
  process.exit(0);
}

if (process.argv[2] === '--child-score') {
  // Child: `endorm score` from the given build, in this process, so that maxRSS covers preparation, load and scoring.
  const [, , , dist, model, dataset, cache, out] = process.argv;
  process.env.ENDORM_CACHE = cache;
  const { main } = await import(path.join(dist, 'cli.js'));
  const t0 = performance.now();
  const argv = [process.execPath, 'endorm', 'score', '--model', model, '--dataset', dataset, '--template', 'none', '--limit', '2', '--quiet', '--out', out];
  const code = await main(argv);
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ code, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

const args = process.argv.slice(2);
const valued = new Set(['--baseline', '--baseline-dist', '--score']);
const modelDir = args.find((a, i) => !a.startsWith('--') && !(i > 0 && valued.has(args[i - 1])));
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
if (!modelDir) {
  console.error('usage: node scripts/measure-graph-cache.mjs MODEL_DIR [--baseline REV | --baseline-dist DIR]');
  process.exit(2);
}
const onnxFile = fs.statSync(modelDir).isDirectory() ? path.join(modelDir, 'onnx', 'model.onnx') : modelDir;
const mib = (bytes) => (bytes / 2 ** 20).toFixed(0);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-graph-cache-'));

function buildBaseline(rev) {
  const dir = path.join(work, `build-${rev}`);
  fs.mkdirSync(dir);
  execFileSync('sh', ['-c', `git -C "${root}" archive "${rev}" src tsconfig.json package.json | tar -x -C "${dir}"`]);
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', path.join(dir, 'tsconfig.json')], { stdio: 'inherit' });
  return path.join(dir, 'dist');
}

function prepare(dist, cache, file = onnxFile) {
  const r = spawnSync(process.execPath, [script, '--child', dist, file, cache], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`preparation with ${dist} failed (${r.status}): ${r.stderr.split('\n').slice(-6).join(' ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** Peak RSS of a first `endorm score` (empty cache: the graph is prepared) and of the run after it. */
function scoreRuns(name, dist, dataset) {
  const cache = path.join(work, 'score-cache');
  for (const run of ['first run', 'later run']) {
    const out = path.join(work, `score-${run.replace(' ', '-')}`);
    const r = spawnSync(process.execPath, [script, '--child-score', dist, path.dirname(path.dirname(onnxFile)), dataset, cache, out], { encoding: 'utf8' });
    const last = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()) : undefined;
    if (!last || last.code !== 0) throw new Error(`endorm score with ${dist} failed: ${r.stderr.split('\n').slice(-6).join(' ')}`);
    console.log(`score, ${name.padEnd(22)} ${run}: peak RSS ${last.maxRssMiB.toFixed(0).padStart(6)} MiB   ${last.seconds.toFixed(1)} s`);
  }
  fs.rmSync(cache, { recursive: true, force: true });
}

function sha256(file) {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.alloc(8 << 20);
  for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
  fs.closeSync(fd);
  return hash.digest('hex');
}

/** sha256 of each file the graph's folder holds besides the integrity record, by name. */
function contents(graph) {
  const dir = path.dirname(graph);
  return Object.fromEntries(fs.readdirSync(dir).filter((f) => f !== 'endorm-graph.json').sort().map((f) => [f, sha256(path.join(dir, f))]));
}

function hashCheck(dist, file, cache) {
  const r = spawnSync(process.execPath, [script, '--child-hash', dist, file, cache], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hashing with ${dist} failed (${r.status}): ${r.stderr.split('\n').slice(-6).join(' ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * Per run, what keying the caches by content costs: the graph's preparation (which looks up the model's sha256 by its
 * identity) plus the sha256 a run records in run.json, on a copy of the model so that the original is never touched.
 */
function measureReplaced(dist) {
  const copy = path.join(work, 'replaced', 'onnx', 'model.onnx');
  fs.mkdirSync(path.dirname(copy), { recursive: true });
  fs.copyFileSync(onnxFile, copy);
  execFileSync('touch', ['-r', onnxFile, copy]);
  const cache = path.join(work, 'cache-replaced');
  const run = (label) => {
    const graph = prepare(dist, cache, copy);
    const hash = hashCheck(dist, copy, cache);
    const total = graph.seconds + hash.seconds;
    console.log(`${label.padEnd(52)} graph ${graph.seconds.toFixed(3)} s + run.json hash ${hash.seconds.toFixed(3)} s = ${total.toFixed(3)} s`);
    return graph.graph;
  };
  const first = run('content check, first run (hash + build):');
  const same = run('content check, later run, model unchanged:');
  // One byte of the weights changed in place, size and mtime (to the nanosecond) kept: what cp -p of another export leaves.
  const size = fs.statSync(copy).size;
  const fd = fs.openSync(copy, 'r+');
  const byte = Buffer.alloc(1);
  fs.readSync(fd, byte, 0, 1, Math.floor(size / 2));
  byte[0] ^= 0xff;
  fs.writeSync(fd, byte, 0, 1, Math.floor(size / 2));
  fs.closeSync(fd);
  execFileSync('touch', ['-r', onnxFile, copy]);
  const changed = run('content check, model changed (size, mtime kept):');
  const touched = (fs.utimesSync(copy, new Date(), new Date()), run('content check, only the times moved:'));
  console.log(`graphs: unchanged run reused the first: ${same === first}; changed model got its own: ${changed !== first}; times only reused it: ${touched === changed}`);
}

try {
  const size = fs.statSync(onnxFile).size;
  console.log(`model ${onnxFile}: ${mib(size)} MiB; node ${process.version}, ${os.availableParallelism()} cores`);
  const builds = [['this tree', path.join(root, 'dist')]];
  const baseline = option('--baseline-dist') ?? (option('--baseline') && buildBaseline(option('--baseline')));
  if (baseline) builds.unshift([`baseline (${option('--baseline') ?? baseline})`, baseline]);

  const results = [];
  for (const [name, dist] of builds) {
    const cache = path.join(work, `cache-${results.length}`);
    const r = prepare(dist, cache);
    results.push({ name, cache, ...r, files: contents(r.graph) });
    const over = r.maxRssMiB - size / 2 ** 20;
    console.log(
      `prepare, ${name.padEnd(22)} peak RSS ${r.maxRssMiB.toFixed(0).padStart(6)} MiB (model ${over >= 0 ? '+' : '-'} ${Math.abs(over).toFixed(0)} MiB)   ${r.seconds.toFixed(2)} s`,
    );
    // The old build's cache is not needed any more: free its disk before the next one.
    if (results.length < builds.length) fs.rmSync(cache, { recursive: true, force: true });
  }
  if (results.length === 2) {
    const [a, b] = results.map((r) => JSON.stringify(r.files));
    console.log(`same files written (sha256 of graph and data files): ${a === b ? 'yes' : `NO\n  ${a}\n  ${b}`}`);
  }

  if (option('--score')) for (const [name, dist] of builds) scoreRuns(name, dist, path.resolve(option('--score')));

  const last = results.at(-1);
  const cached = prepare(path.join(root, 'dist'), last.cache);
  console.log(`later run, cached graph checked:          ${(cached.seconds * 1000).toFixed(1)} ms (peak RSS ${cached.maxRssMiB.toFixed(0)} MiB)${cached.notes.length ? ' NOTES: ' + cached.notes.join('; ') : ''}`);
  // Changing the data file's times moves its ctime: the next check cannot trust its stamp and hashes every byte.
  const dataFile = `${last.graph}.endorm_data`;
  if (fs.existsSync(dataFile)) {
    const t = fs.statSync(dataFile);
    fs.utimesSync(dataFile, t.atime, t.mtime);
    const rehashed = prepare(path.join(root, 'dist'), last.cache);
    console.log(
      `later run, data file's stamp moved (${mib(t.size)} MiB re-hashed): ${(rehashed.seconds * 1000).toFixed(0)} ms${rehashed.notes.length ? ' NOTES: ' + rehashed.notes.join('; ') : ''}`,
    );
    const again = prepare(path.join(root, 'dist'), last.cache);
    console.log(`the run after, stamp refreshed:           ${(again.seconds * 1000).toFixed(1)} ms`);
  }
  if (args.includes('--replaced')) measureReplaced(path.join(root, 'dist'));
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
