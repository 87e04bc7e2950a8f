import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetKind } from '../datasets/pair.js';
import type { RunManifest } from '../run-store/run-manifest.js';
import type { RunTiming } from '../run-store/run-summary.js';
import type { ComparisonScoreRecord, ResponseScoreRecord, ScoreRecord } from '../run-store/score-record.js';
import { mulberry32 } from '../util/prng.js';

/** A made-up scorer: `skill` separates chosen from rejected, `styleBias` rewards fancier styles regardless. */
export interface SyntheticMethod {
  spec: string;
  kind: 'response' | 'comparison';
  skill: number;
  styleBias: number;
  /** Round response scores to this step, which produces ties. */
  step?: number;
}

export interface SyntheticRunOptions {
  records?: number;
  /** Record groups, assigned round robin. Default: RM-Bench's five (four domains). */
  groups?: string[];
  kind?: DatasetKind;
  /** Responses per side (3 for RM-Bench). */
  styles?: number;
  methods?: SyntheticMethod[];
  seed?: number;
  model?: string;
  settings?: Partial<RunManifest['settings']>;
  /** run.json's dataset.domains: records per RM-Bench domain in the whole dataset. */
  datasetDomains?: Record<string, number>;
  /** Append an unterminated half line, as a crash mid-write leaves. */
  tornLastLine?: boolean;
  /** Append the first record's lines again (as a resumed run may). */
  duplicateFirstRecord?: boolean;
  /** Write a summary.json holding this timing (as the scorer would have). */
  timing?: RunTiming;
}

export const SYNTHETIC_METHODS: SyntheticMethod[] = [
  { spec: 'endorm', kind: 'response', skill: 1.5, styleBias: 0.25 },
  { spec: 'loglik', kind: 'response', skill: 0.7, styleBias: 0.8, step: 0.5 },
  { spec: 'judge-pairwise', kind: 'comparison', skill: 1.1, styleBias: 0.45 },
];

/**
 * Writes a run folder (run.json, scores.jsonl) with plausible scores, for tests and for eyeballing reports.
 * Deterministic for a seed.
 */
export async function writeSyntheticRun(dir: string, options: SyntheticRunOptions = {}): Promise<RunManifest> {
  const records = options.records ?? 20;
  const groups = options.groups ?? ['chat', 'math', 'code', 'safety-refuse', 'safety-response'];
  const kind = options.kind ?? 'rm-bench';
  const styles = options.styles ?? (kind === 'rm-bench' ? 3 : 1);
  const methods = options.methods ?? SYNTHETIC_METHODS;
  const random = mulberry32(options.seed ?? 1);
  const noise = () => {
    // Box-Muller: normal noise makes accuracies look like real ones (neither all right nor coin flips).
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };

  const manifest: RunManifest = {
    endorm: { version: '0.1.0' },
    createdAt: '2025-01-01T12:00:00.000Z',
    model: {
      spec: options.model ?? 'onnx-community/Qwen3-0.6B-ONNX',
      path: '/cache/models/Qwen3-0.6B-ONNX',
      modelType: 'qwen3',
      dtype: 'q4',
      onnxFile: 'onnx/model_q4.onnx',
      vocabSize: 151936,
    },
    dataset: {
      spec: kind === 'rm-bench' ? 'rm-bench' : 'synthetic.jsonl',
      path: '/cache/datasets/synthetic.jsonl',
      name: kind === 'rm-bench' ? 'RM-Bench (synthetic)' : 'Synthetic pairs',
      kind,
      sha256: createHash('sha256').update(`synthetic:${records}:${groups.join(',')}:${options.seed ?? 1}`).digest('hex'),
      ...(options.datasetDomains ? { domains: options.datasetDomains } : {}),
    },
    settings: {
      methods: methods.map((m) => m.spec),
      template: 'chat',
      scoreEot: true,
      maxLength: 4096,
      alphas: [1],
      ...options.settings,
    },
  };

  const lines: ScoreRecord[] = [];
  for (let r = 0; r < records; r++) {
    const group = groups[r % groups.length]!;
    const pair = `${group}/${r}`;
    const base = { pair, id: String(r), group };
    const difficulty = 0.6 * noise();
    for (const role of ['chosen', 'rejected'] as const) {
      for (let index = 0; index < styles; index++) {
        const scores: Record<string, number> = {};
        for (const m of methods.filter((m) => m.kind === 'response')) {
          const raw = (role === 'chosen' ? m.skill + difficulty : 0) + m.styleBias * index + noise();
          scores[m.spec] = m.step ? Math.round(raw / m.step) * m.step : Number(raw.toFixed(4));
        }
        const line: ResponseScoreRecord = {
          type: 'response',
          ...base,
          role,
          index,
          tokens: 60 + Math.floor(random() * 400) + index * 150,
          chars: 300 + index * 700,
          truncated: random() < 0.04,
          scores,
        };
        lines.push(line);
      }
    }
    for (const m of methods.filter((m) => m.kind === 'comparison')) {
      for (let i = 0; i < styles; i++) {
        for (let j = 0; j < styles; j++) {
          const logit = m.skill + difficulty + m.styleBias * (i - j) + noise();
          const line: ComparisonScoreRecord = {
            type: 'comparison',
            ...base,
            chosen: i,
            rejected: j,
            truncated: false,
            scores: { [m.spec]: Number((1 / (1 + Math.exp(-logit))).toFixed(4)) },
          };
          lines.push(line);
        }
      }
    }
  }

  // Every method's lines for one record are separate here (a comparison line per method), so merge comparison
  // lines of the same cell into one, as a scorer writing all judges of a cell at once would.
  const merged = mergeComparisonLines(lines);
  let text = merged.map((line) => JSON.stringify(line)).join('\n') + '\n';
  if (options.duplicateFirstRecord) {
    const first = merged.filter((line) => line.pair === merged[0]!.pair);
    text += first.map((line) => JSON.stringify(line)).join('\n') + '\n';
  }
  if (options.tornLastLine) text += JSON.stringify(merged[0]).slice(0, 40);

  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'run.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(dir, 'scores.jsonl'), text);
  if (options.timing) await writeFile(join(dir, 'summary.json'), `${JSON.stringify({ timing: options.timing }, null, 2)}\n`);
  return manifest;
}

function mergeComparisonLines(lines: ScoreRecord[]): ScoreRecord[] {
  const out: ScoreRecord[] = [];
  const cells = new Map<string, ComparisonScoreRecord>();
  for (const line of lines) {
    if (line.type !== 'comparison') {
      out.push(line);
      continue;
    }
    const key = `${line.pair}\u0000${line.chosen}:${line.rejected}`;
    const existing = cells.get(key);
    if (existing) Object.assign(existing.scores, line.scores);
    else {
      const copy = { ...line, scores: { ...line.scores } };
      cells.set(key, copy);
      out.push(copy);
    }
  }
  return out;
}
