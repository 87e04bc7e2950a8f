import path from 'node:path';
import type { RunManifest } from '../run-store/run-manifest.js';

export interface CompareRunsOptions {
  /**
   * Compare shards of one run (merge): settings.shard is theirs alone, and settings.traces may differ (a shard scored
   * with --no-traces holds the same scores; the merged run then has no traces of its own).
   */
  shards?: boolean;
}

/**
 * Fields that runs written before they were recorded lack: compared only where both runs have them (what the model's
 * files hold; whether traces are kept, which such a run may resume either way).
 */
const RECORDED_LATER = ['model.commit', 'model.files', 'settings.traces'];

/**
 * What makes two runs' scores different in meaning, one line per difference (`settings.maxLength: 512 vs 256`); empty
 * when scores of one may stand beside scores of the other. Where files lie (the model's cache folder, the dataset's
 * path) may differ between machines and does not count; what they hold does, through the model id, dtype, ONNX file,
 * Hub commit and file hashes, and the dataset's sha256. How a run was made (provenance: command, versions, device)
 * does not: a resume may run on another device. Every key of `settings` counts, so that a setting added later is never silently mixed.
 */
export function runDifferences(a: RunManifest, b: RunManifest, options: CompareRunsOptions = {}): string[] {
  const left = comparable(a, options);
  const right = comparable(b, options);
  for (const key of RECORDED_LATER) {
    if (left[key] === undefined || right[key] === undefined) {
      delete left[key];
      delete right[key];
    }
  }
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(left), ...Object.keys(right)])]) {
    const x = show(left[key]);
    const y = show(right[key]);
    if (x !== y) out.push(`${key}: ${x} vs ${y}`);
  }
  return out;
}

function comparable(m: RunManifest, options: CompareRunsOptions): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    'model.spec': m.model.spec,
    'model.dtype': m.model.dtype,
    'model.onnxFile': path.relative(m.model.path, m.model.onnxFile).split(path.sep).join('/'),
    'model.modelType': m.model.modelType,
    'model.vocabSize': m.model.vocabSize,
    'model.commit': m.model.commit,
    'model.files': m.model.files,
    'dataset.sha256': m.dataset.sha256,
    'dataset.kind': m.dataset.kind,
    'dataset.options': m.dataset.options,
  };
  for (const [key, value] of Object.entries(m.settings)) {
    if (options.shards && (key === 'shard' || key === 'traces')) continue;
    fields[`settings.${key}`] = value;
  }
  return fields;
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}
