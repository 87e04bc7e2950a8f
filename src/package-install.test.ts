import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { formatResponse } from './formatting/format-response.js';
import { loadTokenizer } from './model/load-tokenizer.js';
import { fullLogits, PROJECT_ROOT, referenceLogSumExp, STORIES, tempCacheDir } from './testing/shared-models.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The library page's example, verbatim: the first ```js block of docs/library.md. */
function readmeExample(): string {
  const section = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'library.md'), 'utf8');
  const block = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'docs/library.md has a ```js example');
  return block[1]!;
}

/**
 * A project that depends on the packed tarball, installed with `npm ci --offline`: the lockfile is the repository's,
 * its dependencies' tarballs come from npm's cache (which `npm ci` of the repository filled), the tarball from disk.
 * So the package installs and imports as a user's project would get it, without the registry.
 */
function installPacked(dir: string): void {
  const packed = spawnSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  assert.equal(packed.status, 0, packed.stderr);
  const tarball = (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename;
  const project = path.join(dir, 'project');
  fs.mkdirSync(project);
  const spec = `file:../${path.basename(tarball)}`;
  const repoLock = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8'));
  const endorm = repoLock.packages[''];
  const packages: Record<string, unknown> = {
    '': { name: 'uses-endorm', version: '1.0.0', dependencies: { endorm: spec } },
    'node_modules/endorm': {
      version: endorm.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(fs.readFileSync(path.join(dir, path.basename(tarball)))).digest('base64')}`,
      license: endorm.license,
      dependencies: endorm.dependencies,
      bin: endorm.bin,
      engines: endorm.engines,
    },
  };
  const registry = spawnSync(npm, ['config', 'get', 'registry'], { encoding: 'utf8' }).stdout.trim().replace(/\/$/, '');
  for (const [key, entry] of Object.entries(repoLock.packages as Record<string, { dev?: boolean; name?: string; version?: string; resolved?: string }>)) {
    if (key === '' || entry.dev) continue;
    // A lockfile written with omit-lockfile-registry-resolved has no tarball URLs; offline, npm would need the registry's
    // metadata to find them. The standard URL lets it take the tarball from its cache by integrity instead.
    const name = entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const resolved = entry.resolved ?? `${registry}/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    packages[key] = { ...entry, resolved };
  }
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-endorm', version: '1.0.0', private: true, type: 'module', dependencies: { endorm: spec } }));
  fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify({ name: 'uses-endorm', version: '1.0.0', lockfileVersion: 3, requires: true, packages }));
  const installed = spawnSync(npm, ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  assert.equal(installed.status, 0, `npm ci --offline of the packed package failed:\n${installed.stderr}`);
}

/**
 * From the model's own full logits, the textbook way: log π(response | prompt), and the endogenous reward
 * Σ_h γ^(h−1) r_h − V(s_1) with r_h = f(s_h, a_h) − V(s_{h+1}), V(s_{T+1}) = 0 and α = 1 (endorm's defaults).
 */
async function reference(prompt: string, response: string, gamma: number): Promise<{ loglik: number; endorm: number }> {
  const formatted = formatResponse(await loadTokenizer(STORIES), { template: 'none', prompt, response });
  const { logits, vocab } = await fullLogits(STORIES, formatted.ids);
  const f: number[] = [];
  const v: number[] = [];
  for (let p = formatted.responseStart - 1; p < formatted.ids.length - 1; p++) {
    const row = logits.subarray(p * vocab, (p + 1) * vocab);
    f.push(row[formatted.ids[p + 1]!]!);
    v.push(referenceLogSumExp(row, 1));
  }
  const loglik = f.reduce((sum, fh, h) => sum + fh - v[h]!, 0);
  const endorm = f.reduce((sum, fh, h) => sum + gamma ** h * (fh - (h + 1 < f.length ? v[h + 1]! : 0)), 0) - v[0]!;
  return { loglik, endorm };
}

const close = (got: number, want: number) => Math.abs(got - want) <= 1e-4 * Math.abs(want);

test('the packed package installs offline, imports as "endorm", and the docs/library.md example scores real pairs with it', { timeout: 240_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-pack-'));
  try {
    installPacked(dir);
    const project = path.join(dir, 'project');
    const installed = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'endorm', 'package.json'), 'utf8'));
    assert.equal(installed.name, 'endorm');
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'schemas/run.schema.json', 'schemas/summary.schema.json', 'schemas/score-line.schema.json']) {
      assert.ok(fs.existsSync(path.join(project, 'node_modules', 'endorm', file)), `${file} is installed`);
    }

    fs.writeFileSync(path.join(project, 'score-pairs.mjs'), readmeExample());
    const run = spawnSync(process.execPath, ['score-pairs.mjs', STORIES], { cwd: project, encoding: 'utf8', env: { ...process.env, ENDORM_CACHE: tempCacheDir() } });
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');

    // scoreRun: the run folder in the user's project, its summary read back through readRun.
    const accuracy = Object.fromEntries(lines.filter((l) => / accuracy /.test(l)).map((l) => l.split(': accuracy ')));
    assert.deepEqual(Object.keys(accuracy), ['endorm', 'loglik', 'length']);
    const scoreLines: { pair: string; role: string; chars: number; scores: Record<string, number> }[] = fs
      .readFileSync(path.join(project, 'runs', 'pairs', 'scores.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(scoreLines.length, 4);
    const response = ' there was a little girl named Lily.';
    const expected = await reference('Once upon a time', response, 1);
    const first = scoreLines.find((l) => l.role === 'chosen' && l.chars === response.length)!;
    assert.ok(close(first.scores.loglik!, expected.loglik), `run loglik ${first.scores.loglik} vs reference ${expected.loglik}`);
    // With α = 1, γ = 1 and no shaping, the endogenous reward is the log-likelihood.
    assert.ok(close(first.scores.endorm!, expected.loglik), `run endorm ${first.scores.endorm} vs reference ${expected.loglik}`);
    const right = scoreLines
      .filter((c) => c.role === 'chosen')
      .filter((c) => c.scores.endorm! > scoreLines.find((r) => r.role === 'rejected' && r.pair === c.pair)!.scores.endorm!).length;
    assert.equal(Number(accuracy.endorm), right / 2);

    // loadScorer: the same response scored alone gets the run's score, and γ = 0.9 the reference's discounted sum.
    const scores = JSON.parse(lines.find((l) => l.startsWith('{'))!);
    assert.deepEqual(Object.keys(scores), ['endorm', 'endorm:gamma=0.9', 'loglik']);
    assert.ok(close(scores.loglik, expected.loglik), `scorer loglik ${scores.loglik} vs reference ${expected.loglik}`);
    assert.ok(close(scores.endorm, first.scores.endorm!));
    const discounted = (await reference('Once upon a time', response, 0.9)).endorm;
    assert.ok(close(scores['endorm:gamma=0.9'], discounted), `scorer endorm:gamma=0.9 ${scores['endorm:gamma=0.9']} vs reference ${discounted}`);
    assert.notEqual(scores['endorm:gamma=0.9'], scores.endorm);
    const tokens = lines.at(-1)!;
    assert.match(tokens, /^" there" -?\d+\.\d\d /);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('package.json points main, types and exports at what the build produces', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
  for (const file of [pkg.main, pkg.types, pkg.exports['.'].import, pkg.exports['.'].types]) {
    assert.ok(fs.existsSync(path.join(PROJECT_ROOT, file)), `${file} exists after npm run build`);
  }
});
