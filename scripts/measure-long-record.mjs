#!/usr/bin/env node
// What does one very long record cost? Writes a JSONL file with a single pair whose response (or prompt) is SIZE MB of
// story text, scores it with `endorm score --max-length N` in a fresh process, and prints that process's peak RSS
// (its own maxRSS) and wall time. The file and the run folder are deleted afterwards.
//   npm run build && node scripts/measure-long-record.mjs [--size-mb 5,50] [--where response|prompt|both]
//     [--max-length 256] [--model ../shared/models/stories260K] [--template auto] [--dir /tmp] [--reader-only]
// --reader-only measures the dataset reader alone (no model, no tokenizer).
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1];
};

if (args[0] === '--reader') {
  // Only the dataset reader: open the file and read its pairs, to see what the line reader and JSON parsing cost.
  const { openDataset } = await import(pathToFileURL(join(root, 'dist', 'datasets', 'open-dataset.js')).href);
  const t0 = performance.now();
  let pairs = 0;
  for await (const _pair of (await openDataset(args[1])).pairs()) pairs++;
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${JSON.stringify({ code: pairs === 1 ? 0 : 1, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
  process.exit(0);
}

if (args[0] === '--child') {
  // The CLI in this process, so that maxRSS is the run's own; one line of JSON on stdout at the end.
  const { main } = await import(pathToFileURL(join(root, 'dist', 'cli.js')).href);
  const t0 = performance.now();
  const code = await main(['node', 'endorm', ...args.slice(1)]);
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${JSON.stringify({ code, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
  process.exit(0);
}

const sizes = option('--size-mb', '5,50').split(',').map(Number);
const where = option('--where', 'response').split(',');
const maxLength = option('--max-length', '256');
const model = option('--model', join(root, '..', 'shared', 'models', 'stories260K'));
const template = option('--template', 'auto');
const readerOnly = args.includes('--reader-only');
const dir = mkdtempSync(join(option('--dir', os.tmpdir()), 'endorm-long-record-'));

try {
  console.log(readerOnly ? `the dataset reader alone (openDataset + pairs); node ${process.version}` : `model ${model}, --template ${template}, --max-length ${maxLength}; node ${process.version}`);
  for (const part of where) {
    for (const mb of sizes) {
      const file = join(dir, `long-${part}-${mb}mb.jsonl`);
      await writeRecord(file, mb * 2 ** 20, part);
      const out = join(dir, `run-${part}-${mb}`);
      const child = readerOnly
        ? [fileURLToPath(import.meta.url), '--reader', file]
        : [fileURLToPath(import.meta.url), '--child', 'score', '--model', model, '--template', template, '--max-length', maxLength, '--dataset', file, '--out', out, '--quiet'];
      // GNU time, where there is one, reports the peak RSS of a run that crashes too (out of heap, killed).
      const gnuTime = existsSync('/usr/bin/time');
      const t0 = performance.now();
      const run = spawnSync(gnuTime ? '/usr/bin/time' : process.execPath, gnuTime ? ['-f', 'maxrss-kb=%M', process.execPath, ...child] : child, {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 1 << 26,
        env: { ...process.env, ENDORM_CACHE: process.env.ENDORM_CACHE ?? join(dir, 'cache') },
      });
      const wall = (performance.now() - t0) / 1000;
      const last = run.stdout.trim().split('\n').pop();
      if (run.status !== 0 || !last) {
        const rss = /maxrss-kb=(\d+)/.exec(run.stderr);
        const why = run.stderr.split('\n').find((l) => /heap out of memory|Killed|Error/.test(l)) ?? run.stderr.trim().split('\n').slice(-2).join(' | ');
        console.log(
          `${part.padEnd(8)} ${String(mb).padStart(4)} MB record: the run failed (status ${run.status ?? run.signal}) after ${wall.toFixed(1)} s` +
            `${rss ? `, peak RSS ${(Number(rss[1]) / 1024).toFixed(0)} MiB` : ''}: ${why.slice(0, 200)}`,
        );
        continue;
      }
      const result = JSON.parse(last);
      const bytes = statSync(file).size;
      console.log(
        `${part.padEnd(8)} ${String(mb).padStart(4)} MB record (${(bytes / 2 ** 20).toFixed(1)} MiB file): exit ${result.code}, ` +
          `peak RSS ${result.maxRssMiB.toFixed(0)} MiB, ${result.seconds.toFixed(1)} s`,
      );
      rmSync(file, { force: true });
      rmSync(out, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** One pair; the long text is story words with sentence ends and paragraph breaks, like a real runaway response. */
async function writeRecord(file, targetBytes, part) {
  const words = ['the', 'little', 'dog', 'ran', 'to', 'the', 'park', 'and', 'saw', 'a', 'big', 'red', 'ball.', 'She', 'was', 'happy,', 'café', 'naïve'];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const chunk = () => {
    const out = [];
    for (let i = 0; i < 20_000; i++) out.push(words[Math.floor(next() * words.length)], i % 400 === 399 ? '\n\n' : ' ');
    return out.join('');
  };
  const pieces = [];
  for (let bytes = 0; bytes < targetBytes; ) {
    const piece = chunk();
    pieces.push(piece);
    bytes += Buffer.byteLength(piece);
  }
  const long = pieces.join('').slice(0, targetBytes);
  const record = {
    id: 'long',
    prompt: part === 'response' ? 'Once upon a time, there was a little dog. ' : long,
    chosen: part === 'prompt' ? 'He ran to the park and played with a ball.' : long,
    rejected: 'ball park He with the ran a to and played.',
  };
  const stream = createWriteStream(file);
  stream.write(JSON.stringify(record) + '\n');
  await new Promise((done, fail) => stream.end((err) => (err ? fail(err) : done())));
}
