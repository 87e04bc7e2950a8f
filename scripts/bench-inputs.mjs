// What the benches share: the random models they time, and RM-Bench-shaped token sequences (see bench.mjs's header).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../dist/util/prng.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = path.resolve(ROOT, '..', 'shared');
export const BENCH_DIR = path.join(ROOT, 'bench-models');
const RM_BENCH_FILES = ['chat', 'code', 'safety-refuse', 'safety-response'];

export function readConfig(modelDir) {
  return JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8'));
}

/** DIR/PRESET under $ENDORM_BENCH_MODELS or bench-models/, generated there with ../shared/tools/random-llama if absent. */
export function ensureModel(preset) {
  const candidates = [process.env.ENDORM_BENCH_MODELS && path.join(process.env.ENDORM_BENCH_MODELS, preset), path.join(BENCH_DIR, preset)].filter(Boolean);
  for (const dir of candidates) if (fs.existsSync(path.join(dir, 'onnx', 'model.onnx'))) return dir;
  const dir = path.join(BENCH_DIR, preset);
  console.log(`generating ${preset} into ${dir} (once) ...`);
  const r = spawnSync('/usr/bin/python3', [path.join(SHARED, 'tools', 'random-llama', 'make.py'), preset, dir], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`make.py ${preset} failed; it needs Debian's python3-torch and python3-onnx`);
  return dir;
}

/**
 * `perFile` records spread evenly over each RM-Bench file, each with its prompt and six responses; lengths in tokens
 * are ⌈characters / 4⌉ plus the Llama-3 chat template's tokens (10 around the prompt, 1 end-of-turn after each
 * response); ids are random (seeded), a record's responses sharing its prompt's ids.
 */
export function rmBenchInputs(perFile, vocab) {
  const rand = mulberry32(7);
  const id = () => 10 + Math.floor(rand() * (vocab - 20));
  const tokens = (text) => Math.max(1, Math.ceil([...text].length / 4));
  const records = [];
  let longest = 0;
  for (const name of RM_BENCH_FILES) {
    const data = JSON.parse(fs.readFileSync(path.join(SHARED, 'datasets', 'rm-bench', `${name}_filtered.json`), 'utf8'));
    for (let k = 0; k < perFile; k++) {
      const rec = data[Math.floor(((k + 0.5) * data.length) / perFile)];
      const prompt = Array.from({ length: tokens(rec.prompt) + 10 }, id);
      const responses = [...rec.chosen, ...rec.rejected].map((t) => Array.from({ length: tokens(t) + 1 }, id));
      for (const r of responses) longest = Math.max(longest, prompt.length + r.length);
      records.push({ key: `${name}/${rec.id}`, prompt, responses });
    }
  }
  return { records, longest };
}

/**
 * Runs the inputs through `scorePairs` as `endorm score` runs them: a record's six responses share its prompt (prefix
 * sharing, unless `prefixSharing` is false). `api` holds `scorePairs` and `responseRequest` from the build under test;
 * `accept(record, k, response, result)` receives each response's result. Returns scorePairs' progress.
 */
export async function scoreBenchInputs(api, session, inputs, { batch, prefixSharing = true, accept }) {
  const byKey = new Map(inputs.records.map((r) => [r.key, r]));
  // One part (one line of a run's scores.jsonl) per response, as the scorer's own builders make them; the bench writes
  // no lines, so a part's record is a placeholder the no-op sink drops.
  const builder = (pair) => {
    const r = byKey.get(pair.key);
    return {
      truncated: 0,
      parts: r.responses.map((resp, k) => ({
        slot: `bench/${k}`,
        items: [
          {
            request: api.responseRequest({ ids: [...r.prompt, ...resp], responseStart: r.prompt.length }),
            prefixKey: pair.key,
            accept: (res) => accept(r, k, resp, res),
          },
        ],
        finish: () => ({ type: 'bench', pair: pair.key, slot: `bench/${k}` }),
      })),
    };
  };
  async function* pairs() {
    for (const r of inputs.records) yield { key: r.key, id: r.key, prompt: '', chosen: ['', '', ''], rejected: ['', '', ''], source: { file: 'bench', line: 1 } };
  }
  return api.scorePairs(pairs(), { session, builders: [builder], batch, prefixSharing, sink: () => {} });
}

/** CPU seconds spent by the whole machine (all processes, /proc/stat), or 0 where there is no /proc. */
export function cpuBusySeconds() {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = cpu;
    return (user + nice + system + irq + softirq + (steal ?? 0)) / 100;
  } catch {
    return 0;
  }
}
