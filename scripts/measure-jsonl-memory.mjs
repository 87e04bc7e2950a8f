#!/usr/bin/env node
// Does reading a JSONL dataset keep memory flat? Writes a big made-up pair file to the temp folder, streams it
// through openDataset in a fresh process counting pairs, prints peak RSS and timings, and deletes the file.
//   npm run build && node scripts/measure-jsonl-memory.mjs [--size-mb 1024] [--dir /tmp]
import { spawnSync } from 'node:child_process';
import { createWriteStream, statSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1];
};

if (args[0] === '--child') {
  await child(args[1]);
} else {
  await parent();
}

async function parent() {
  const sizeMb = Number(option('--size-mb', '1024'));
  const file = join(option('--dir', os.tmpdir()), `endorm-jsonl-memory-${process.pid}.jsonl`);
  try {
    const t0 = Date.now();
    const { records, bytes } = await writeBigJsonl(file, sizeMb * 1024 * 1024);
    console.log(`wrote ${file}: ${(bytes / 2 ** 20).toFixed(0)} MiB, ${records} records in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (run.status !== 0) throw new Error(`reader process failed (${run.status ?? run.signal})`);
    const result = JSON.parse(run.stdout);
    if (result.pairs !== records) throw new Error(`read ${result.pairs} pairs, wrote ${records}`);
    console.log(JSON.stringify({ fileMiB: Math.round(bytes / 2 ** 20), ...result }, null, 2));
  } finally {
    try {
      unlinkSync(file);
      console.log(`deleted ${file}`);
    } catch {}
  }
}

/** Varied records: string and multi-turn prompts, responses from a few hundred bytes to several KB, non-ASCII text. */
async function writeBigJsonl(file, targetBytes) {
  const out = createWriteStream(file);
  const words = ['the', 'little', 'dog', 'ran', 'to', 'park', 'and', 'saw', 'a', 'big', 'red', 'ball', 'café', 'naïve', '日本', 'ünïcödé'];
  let seed = 1;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const text = (n) => Array.from({ length: n }, () => words[Math.floor(next() * words.length)]).join(' ');
  let bytes = 0;
  let records = 0;
  let batch = [];
  let batchBytes = 0;
  while (bytes < targetBytes) {
    records += 1;
    const prompt = records % 5 === 0 ? [{ role: 'system', content: text(10) }, { role: 'user', content: text(30) }] : text(40);
    const line = JSON.stringify({ id: `r${records}`, prompt, chosen: text(60 + Math.floor(next() * 600)), rejected: text(60 + Math.floor(next() * 600)) }) + '\n';
    batch.push(line);
    const size = Buffer.byteLength(line);
    batchBytes += size;
    bytes += size;
    if (batchBytes > 1 << 20) {
      if (!out.write(batch.join(''))) await new Promise((resolve) => out.once('drain', resolve));
      batch = [];
      batchBytes = 0;
    }
  }
  out.write(batch.join(''));
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  return { records, bytes: statSync(file).size };
}

async function child(file) {
  const { openDataset } = await import(pathToFileURL(join(here, '..', 'dist', 'datasets', 'open-dataset.js')).href);
  global.gc?.();
  const baselineRss = process.memoryUsage().rss;
  let peakSampled = baselineRss;
  const timer = setInterval(() => {
    peakSampled = Math.max(peakSampled, process.memoryUsage().rss);
  }, 10);
  const t0 = performance.now();
  const dataset = await openDataset(file);
  const t1 = performance.now();
  let pairs = 0;
  let chars = 0;
  for await (const pair of dataset.pairs()) {
    pairs += 1;
    chars += pair.chosen[0].length;
  }
  const t2 = performance.now();
  clearInterval(timer);
  const mib = (b) => Math.round((b / 2 ** 20) * 10) / 10;
  process.stdout.write(
    JSON.stringify({
      node: process.version,
      pairs,
      chosenChars: chars,
      sha256: dataset.sha256,
      openSeconds: Math.round(t1 - t0) / 1000,
      readSeconds: Math.round(t2 - t1) / 1000,
      readMiBPerSecond: Math.round(statSync(file).size / 2 ** 20 / ((t2 - t1) / 1000)),
      baselineRssMiB: mib(baselineRss),
      peakRssSampledMiB: mib(peakSampled),
      peakRssMaxRssMiB: mib(process.resourceUsage().maxRSS * 1024),
    }),
  );
}
