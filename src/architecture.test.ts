import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The folders of src/, lowest first: a folder imports only from folders in layers below it, never from a sibling in
 * its own layer, so folder imports form a DAG that follows the data flow. ARCHITECTURE.md says what each folder owns.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['util'],
  ['render'],
  ['model'],
  ['onnx'],
  ['engine'],
  ['datasets'],
  ['formatting'],
  ['run-store'],
  ['tasks'],
  ['rewards', 'judges'],
  ['methods'],
  ['benchmarks'],
  ['run'],
  ['protocols'],
  ['report'],
  ['inspect'],
  ['api'],
  ['commands'],
  ['cli.ts', 'index.ts'],
];

const PENDING: readonly string[] = [];

export interface Violation {
  file: string;
  specifier: string;
  from: string;
  to: string;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm;

/** The top folder (or root file) of a path relative to src/. */
function unitOf(relative: string): string {
  return relative.split('/')[0]!;
}

/** Every relative import of every production file (tests and test scaffolding aside) that breaks the layer order. */
export function layerViolations(files: ReadonlyMap<string, string>, layers: readonly (readonly string[])[] = LAYERS): Violation[] {
  const layerOf = new Map<string, number>();
  layers.forEach((units, i) => units.forEach((u) => layerOf.set(u, i)));
  const violations: Violation[] = [];
  for (const [file, text] of files) {
    const from = unitOf(file);
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3]!;
      if (!specifier.startsWith('.')) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      if (target.startsWith('..')) continue; // outside src/ (package.json is read, not imported)
      const to = unitOf(target.replace(/\.js$/, '.ts'));
      if (to === from) continue;
      const a = layerOf.get(from);
      const b = layerOf.get(to);
      if (a === undefined || b === undefined || b >= a) violations.push({ file, specifier, from, to });
    }
  }
  return violations;
}

/** src/'s production .ts files (relative path → text): no tests, no test scaffolding. */
export function productionSources(src: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(src, full).split(path.sep).join('/');
      if (entry.isDirectory()) {
        if (relative !== 'testing') walk(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) {
        files.set(relative, fs.readFileSync(full, 'utf8'));
      }
    }
  };
  walk(src);
  return files;
}

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');

test('imports between src/ folders follow the declared layer order (so they cannot form a loop)', () => {
  const files = productionSources(SRC);
  assert.ok(files.size > 50, `read ${files.size} production files from ${SRC}`);
  const units = new Set([...files.keys()].map(unitOf));
  const declared = new Set(LAYERS.flat());
  assert.deepEqual([...units].filter((u) => !declared.has(u)).sort(), [], 'every folder of src/ has a layer');
  const problems = layerViolations(files)
    .filter((v) => !PENDING.includes(`src/${v.file} -> ${v.to}`))
    .map((v) => `src/${v.file}: import '${v.specifier}' goes from ${v.from} to ${v.to}, which is not below it`);
  assert.deepEqual(problems, []);
});

test('the check finds an import that goes up, a loop between siblings, and a folder without a layer', () => {
  const files = new Map([
    ['util/a.ts', "import { b } from '../report/b.js';\nexport const a = 1;"],
    ['report/b.ts', "import { a } from '../util/a.js';\nexport { c } from './c.js';"],
    ['rewards/r.ts', "import type { J } from '../judges/j.js';"],
    ['judges/j.ts', "const m = await import('../rewards/r.js');"],
    ['extra/x.ts', "import '../util/a.js';"],
    ['util/v.ts', "import { main } from '../cli.js';"],
  ]);
  const found = layerViolations(files).map((v) => `${v.file} -> ${v.to}`);
  assert.deepEqual(found, ['util/a.ts -> report', 'rewards/r.ts -> judges', 'judges/j.ts -> rewards', 'extra/x.ts -> util', 'util/v.ts -> cli.ts']);
});
