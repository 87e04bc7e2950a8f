import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const sampleFile = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'datasets', 'stories-sample.jsonl');

/** Writes `copies` copies of the story sample to `file`, each record's id suffixed `#k` so that every id is unique. */
export function writeStoryCopies(file, copies) {
  const sample = readFileSync(sampleFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const lines = Array.from({ length: copies }, (_, k) => sample.map((r) => JSON.stringify({ ...r, id: `${r.id}#${k}` })));
  writeFileSync(file, lines.flat().join('\n') + '\n');
}
