import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './shared-models.js';

/**
 * The story sample with every third record's responses swapped, written into `dir`: the trained model then gets about
 * two thirds right, so accuracies and bootstrap intervals are not trivially 100%.
 */
export function mixedStoriesSample(dir: string): string {
  const lines = fs.readFileSync(path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'), 'utf8').trim().split('\n');
  const out = lines.map((line, i) => {
    const r = JSON.parse(line);
    return JSON.stringify(i % 3 === 0 ? { ...r, chosen: r.rejected, rejected: r.chosen } : r);
  });
  const file = path.join(dir, 'mixed-stories.jsonl');
  fs.writeFileSync(file, out.join('\n') + '\n');
  return file;
}

/** The story sample `times` over (ids `story-001#2`, …), written into `dir`: a run long enough to act on while it runs. */
export function repeatedStoriesSample(dir: string, times: number): string {
  const lines = fs.readFileSync(path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'), 'utf8').trim().split('\n');
  const out = Array.from({ length: times }, (_, k) => lines.map((line) => {
    const r = JSON.parse(line);
    return JSON.stringify(k === 0 ? r : { ...r, id: `${r.id}#${k + 1}` });
  })).flat();
  const file = path.join(dir, `stories-x${times}.jsonl`);
  fs.writeFileSync(file, out.join('\n') + '\n');
  return file;
}
