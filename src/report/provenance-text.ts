import { createHash } from 'node:crypto';
import { bytesText } from '../util/bytes-text.js';
import type { RunManifest } from '../run-store/run-manifest.js';

/** One line of a run's provenance for people: a label, and the text (shown as code where it is a path or a command). */
export interface ProvenanceLine {
  label: string;
  text: string;
  code?: boolean;
}

const NOT_RECORDED = 'not recorded';

/**
 * What a reader needs to reproduce or cite the run beyond the report's header (which names the model, the dataset and
 * endorm's version and commit), in a fixed order; lines a run did not record are left out.
 */
export function provenanceLines(m: RunManifest): ProvenanceLine[] {
  const lines: ProvenanceLine[] = [];
  const p = m.provenance;
  if (p?.commandLine) lines.push({ label: 'Command', text: p.commandLine, code: true });
  if (m.model.commit) lines.push({ label: 'Model revision', text: `${m.model.revision ?? 'main'} at commit ${m.model.commit}` });
  lines.push({ label: 'Model folder', text: m.model.path, code: true });
  lines.push({ label: 'Dataset path', text: m.dataset.path, code: true });
  lines.push({ label: 'Dataset sha256', text: m.dataset.sha256 || NOT_RECORDED, code: Boolean(m.dataset.sha256) });
  if (p) {
    lines.push({ label: 'Run folder', text: p.out.path, code: true });
    lines.push({ label: 'Working folder', text: p.cwd, code: true });
    lines.push({ label: 'Versions', text: versionsText(p.versions) });
    lines.push({ label: 'Device', text: p.device ? deviceText(p.device, p.platform) : p.platform });
  }
  return lines;
}

/** The model files a run read, with their sizes and sha256 (empty for runs that did not record them). */
export function modelFileRows(m: RunManifest): { file: string; bytes: string; sha256: string }[] {
  return Object.entries(m.model.files ?? {}).map(([file, f]) => ({ file, bytes: bytesText(f.bytes), sha256: f.sha256 }));
}

export function endormText(e: RunManifest['endorm']): string {
  return e.commit ? `${e.version}, git ${e.commit}${e.ref ? ` (${e.ref.replace(/^refs\/heads\//, '')})` : ''}` : `${e.version} (not run from a git checkout)`;
}

export function versionsText(v: NonNullable<RunManifest['provenance']>['versions']): string {
  return `node ${v.node}, onnxruntime-node ${v.onnxruntimeNode ?? NOT_RECORDED}, transformers.js ${v.transformers ?? NOT_RECORDED}`;
}

export function deviceText(d: NonNullable<NonNullable<RunManifest['provenance']>['device']>, platform: string): string {
  const threads = d.threads ?? d.cores;
  const gpus = d.gpus?.length ? `${d.gpus.join(', ')}; ` : '';
  return `${d.name} (${d.executionProvider} provider) on ${gpus}${d.cpu}, ${d.cores} cores, ${threads} thread${threads === 1 ? '' : 's'}, ${platform}`;
}

/** One digest of every model file's name and sha256, to tell at a glance whether two runs read the same model. */
export function modelFilesDigest(m: RunManifest): string | undefined {
  const files = m.model.files;
  if (!files) return undefined;
  const text = Object.keys(files).sort().map((name) => `${name}\u0000${files[name]!.sha256}\n`).join('');
  return createHash('sha256').update(text).digest('hex');
}
