#!/usr/bin/env node
// endorm's CPU scoring from another build against this one, on the same RM-Bench-shaped input, alternating, best of
// --rounds each: did a change cost CPU speed? Build both first (npm run build in each).
//
//   node scripts/bench-versions.mjs OLD_ROOT [--models small-32k,qwen-vocab] [--records 1] [--rounds 2] [--threads N]
//
// OLD_ROOT is another checkout of the project with its dist/ built (e.g. `git archive BASE | tar -x -C DIR`, with a
// node_modules beside it). Each timing runs in its own process, with prefix sharing, batch 8 × 4096 (the CPU defaults).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_DIR, cpuBusySeconds, ensureModel, readConfig, rmBenchInputs, ROOT, scoreBenchInputs } from './bench-inputs.mjs';

const SELF = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const [, root, modelDir, inputsFile, threads] = argv;
  const inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));
  const dist = (p) => import(path.join(root, 'dist', p));
  const load = fs.existsSync(path.join(root, 'dist', 'engine', 'load-model.js')) ? 'engine/load-model.js' : 'model/load-model.js';
  const { loadModel } = await dist(load);
  const { scorePairs } = await dist('run/score-pairs.js');
  const { responseRequest } = await dist('engine/response-trace.js');
  const model = await loadModel(modelDir, { dtype: 'fp32', alphas: [1], threads: Number(threads) });
  let checksum = 0;
  const t = performance.now();
  await scoreBenchInputs({ scorePairs, responseRequest }, model.session, inputs, {
    batch: { batchSize: 8, maxBatchTokens: 4096 },
    accept: (_record, _k, _response, res) => res.logSumExp.forEach((x) => (checksum += x)),
  });
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000, checksum, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
  await model.session.release();
  process.exit(0);
}

const old = argv[0];
if (!old || old.startsWith('--')) {
  console.error('usage: node scripts/bench-versions.mjs OLD_ROOT [--models M,...] [--records N] [--rounds N] [--threads N]');
  process.exit(2);
}
const opt = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const rounds = Number(opt('--rounds', 2));
const threads = Number(opt('--threads', os.availableParallelism()));
const builds = { old: path.resolve(old), new: ROOT };
for (const preset of opt('--models', 'small-32k,qwen-vocab').split(',')) {
  const modelDir = ensureModel(preset);
  const inputs = rmBenchInputs(Number(opt('--records', 1)), readConfig(modelDir).vocab_size);
  const inputsFile = path.join(BENCH_DIR, '.bench-work', `${preset}-versions.json`);
  fs.mkdirSync(path.dirname(inputsFile), { recursive: true });
  fs.writeFileSync(inputsFile, JSON.stringify(inputs));
  const tokens = inputs.records.reduce((n, r) => n + r.responses.reduce((m, x) => m + r.prompt.length + x.length, 0), 0);
  const best = {};
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 ? ['new', 'old'] : ['old', 'new']) {
      const before = cpuBusySeconds();
      const wall = performance.now();
      const r = spawnSync(process.execPath, [SELF, '--child', builds[name], modelDir, inputsFile, String(threads)], {
        encoding: 'utf8',
        env: { ...process.env, ENDORM_CACHE: path.join(BENCH_DIR, `.cache-${name}`) },
      });
      if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
      const x = JSON.parse(r.stdout.trim().split('\n').pop());
      // CPU other processes took meanwhile (in cores): runs beside other work are not comparable
      const other = Math.max(0, (cpuBusySeconds() - before - x.cpuSeconds) / ((performance.now() - wall) / 1000));
      console.log(`${preset} round ${round + 1} ${name}: ${x.seconds.toFixed(2)} s, ${(tokens / x.seconds).toFixed(0)} tok/s (Σ lse ${x.checksum.toFixed(3)}; other processes ${other.toFixed(1)} cores)`);
      if (!best[name] || x.seconds < best[name].seconds) best[name] = x;
    }
  }
  console.log(`${preset}: ${tokens} tokens; best old ${(tokens / best.old.seconds).toFixed(0)} tok/s, new ${(tokens / best.new.seconds).toFixed(0)} tok/s: ` +
    `new/old ${(best.old.seconds / best.new.seconds).toFixed(3)}; Σ lse old ${best.old.checksum.toFixed(3)}, new ${best.new.checksum.toFixed(3)}`);
}
