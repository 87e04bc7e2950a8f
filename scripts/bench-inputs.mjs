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

/** transform.py's variant for each `--dtype` the CPU bench compares (files named as transformers.js names them). */
const DTYPE_VARIANTS = { q8: ['q8', 'model_quantized.onnx'], q4: ['q4', 'model_q4.onnx'], q4f16: ['q4f16', 'model_q4f16.onnx'], fp16: ['fp16', 'model_fp16.onnx'] };
export const BENCH_DTYPES = ['fp32', ...Object.keys(DTYPE_VARIANTS)];

/**
 * A folder beside `modelDir` (PRESET-dtypes) holding the model in each of `dtypes`: fp32 hard-linked from `modelDir`,
 * the others written once by ../shared/tools/onnx-variants/transform.py (onnxruntime's quantisers re-implemented:
 * dynamic int8, MatMulNBits 4-bit block 32 with the lm_head, float16 with float32 inputs and outputs).
 */
export function ensureDtypeVariants(modelDir, dtypes) {
  const dir = `${modelDir}-dtypes`;
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  for (const f of fs.readdirSync(modelDir)) if (f.endsWith('.json')) fs.copyFileSync(path.join(modelDir, f), path.join(dir, f));
  const fp32 = path.join(dir, 'onnx', 'model.onnx');
  if (!fs.existsSync(fp32)) fs.linkSync(path.join(modelDir, 'onnx', 'model.onnx'), fp32);
  const missing = dtypes.filter((d) => d !== 'fp32' && !fs.existsSync(path.join(dir, 'onnx', DTYPE_VARIANTS[d][1])));
  if (missing.length) {
    console.log(`writing ${missing.join(', ')} of ${path.basename(modelDir)} into ${dir} (once) ...`);
    const script = path.join(SHARED, 'tools', 'onnx-variants', 'transform.py');
    const r = spawnSync('/usr/bin/python3', [script, modelDir, dir, ...missing.map((d) => DTYPE_VARIANTS[d][0])], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`transform.py ${missing.join(' ')} failed; it needs Debian's python3-onnx and python3-numpy`);
  }
  return dir;
}

/** Bytes of a dtype's ONNX file and its external data. */
export function dtypeFileBytes(dir, dtype) {
  const file = path.join(dir, 'onnx', dtype === 'fp32' ? 'model.onnx' : DTYPE_VARIANTS[dtype][1]);
  return fs.statSync(file).size + (fs.existsSync(`${file}_data`) ? fs.statSync(`${file}_data`).size : 0);
}

/**
 * How often two scorings order a record's responses differently: RM-Bench's pairs (each of the first three responses,
 * chosen, against each of the last three, rejected), compared by the sign of the log-likelihood difference.
 */
export function rankingFlips(reference, other, records) {
  let flips = 0;
  let pairs = 0;
  let worst = 0;
  for (let r = 0; r < records; r++) {
    for (let k = 0; k < 6; k++) worst = Math.max(worst, Math.abs(reference[r * 6 + k] - other[r * 6 + k]));
    for (let c = 0; c < 3; c++) {
      for (let j = 3; j < 6; j++) {
        pairs++;
        if (Math.sign(reference[r * 6 + c] - reference[r * 6 + j]) !== Math.sign(other[r * 6 + c] - other[r * 6 + j])) flips++;
      }
    }
  }
  return { flips, pairs, worst };
}
