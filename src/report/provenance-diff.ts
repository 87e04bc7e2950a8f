import type { RunManifest } from '../run-store/run-manifest.js';
import { deviceText, endormText, modelFilesDigest } from './provenance-text.js';

/** One provenance field whose value differs between compared runs, with each run's value (in run order). */
export interface ProvenanceDifference {
  field: string;
  values: string[];
}

const NOT_RECORDED = 'not recorded';

/**
 * What differs in how the compared runs were made and on what: the model's files (one digest of all of them) and Hub
 * commit, the dataset's sha256, endorm's version and commit, the runtime versions and the device. A difference is not
 * an error (comparing two models is the point of some comparisons), but a reader must see it before reading the
 * numbers side by side. Empty when every run recorded the same.
 */
export function provenanceDifferences(runs: readonly RunManifest[]): ProvenanceDifference[] {
  const fields: [string, (m: RunManifest) => string | undefined][] = [
    ['model files (sha256 of all)', (m) => modelFilesDigest(m)?.slice(0, 16)],
    ['model Hub commit', (m) => m.model.commit ?? (m.model.files ? 'local folder' : undefined)],
    ['dataset sha256', (m) => m.dataset.sha256 || undefined],
    ['endorm', (m) => endormText(m.endorm)],
    ['node', (m) => m.provenance?.versions.node],
    ['onnxruntime-node', (m) => m.provenance?.versions.onnxruntimeNode],
    ['transformers.js', (m) => m.provenance?.versions.transformers],
    ['device', (m) => (m.provenance?.device ? deviceText(m.provenance.device, m.provenance.platform) : undefined)],
  ];
  const differences: ProvenanceDifference[] = [];
  for (const [field, read] of fields) {
    const values = runs.map((m) => read(m) ?? NOT_RECORDED);
    if (new Set(values).size > 1) differences.push({ field, values });
  }
  return differences;
}
