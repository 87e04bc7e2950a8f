import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { compareRuns } from '../api/report-runs.js';
import type { RunManifest } from '../run-store/run-manifest.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndormSync } from '../testing/spawn-endorm.js';
import { gitCheckout } from '../util/git-checkout.js';
import { installedVersion } from '../util/runtime-versions.js';

const cache = tempCacheDir();
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const hashEntries = () =>
  fs.readdirSync(path.join(cache, 'file-hashes')).map((name) => {
    const stat = fs.statSync(path.join(cache, 'file-hashes', name));
    return `${name} ${stat.mtimeMs} ${stat.ino}`;
  });

test('run.json of a fresh run says what was run, on what, with what, where; a second run rehashes nothing', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-provenance-'));
  const args = ['score', '--model', path.relative(PROJECT_ROOT, STORIES), '--dataset', 'datasets/stories-sample.jsonl', '--template', 'none', '--limit', '2', '--quiet'];
  const first = runEndormSync([...args, '--out', path.join(out, 'a')], { ENDORM_CACHE: cache });
  assert.equal(first.status, 0, first.stderr);
  const m = JSON.parse(fs.readFileSync(path.join(out, 'a', 'run.json'), 'utf8')) as RunManifest;

  assert.deepEqual(m.endorm, { version: JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).version, ...(await gitCheckout(PROJECT_ROOT)) });
  assert.equal(m.model.spec, path.relative(PROJECT_ROOT, STORIES));
  assert.equal(m.model.path, STORIES, 'the absolute folder beside the one given');
  assert.equal(m.model.commit, undefined, 'a local folder has no Hub commit');
  assert.deepEqual(Object.keys(m.model.files!), ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']);
  for (const [file, hash] of Object.entries(m.model.files!)) {
    assert.deepEqual(hash, { sha256: sha256(path.join(STORIES, file)), bytes: fs.statSync(path.join(STORIES, file)).size }, file);
  }
  assert.equal(m.dataset.spec, 'datasets/stories-sample.jsonl');
  assert.equal(m.dataset.path, path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'));

  const p = m.provenance!;
  assert.deepEqual(p.argv, [path.join(PROJECT_ROOT, 'bin', 'endorm'), ...args, '--out', path.join(out, 'a')]);
  assert.equal(p.commandLine, p.argv!.join(' '), 'plain arguments need no quoting');
  assert.equal(p.cwd, PROJECT_ROOT);
  assert.deepEqual(p.out, { given: path.join(out, 'a'), path: path.join(out, 'a') });
  assert.deepEqual(p.versions, { node: process.versions.node, onnxruntimeNode: installedVersion('onnxruntime-node'), transformers: installedVersion('@huggingface/transformers') });
  assert.equal(p.versions.onnxruntimeNode, '1.30.0');
  assert.deepEqual(p.device, { name: 'cpu', executionProvider: 'cpu', cpu: os.cpus()[0]!.model.trim(), cores: os.availableParallelism(), threads: os.availableParallelism() });
  assert.equal(p.platform, `${os.platform()} ${os.arch()}`);

  const report = fs.readFileSync(path.join(out, 'a', 'report.md'), 'utf8');
  assert.ok(report.includes(`- **Command:**\n\n  \`\`\`sh\n  ${p.commandLine}\n  \`\`\`\n`));
  assert.ok(report.includes(`| \`onnx/model.onnx\` | 1.23 MiB | \`${m.model.files!['onnx/model.onnx']!.sha256}\` |`));
  const html = fs.readFileSync(path.join(out, 'a', 'report.html'), 'utf8');
  assert.match(html, /<dt>Device<\/dt><dd>cpu \(cpu provider\) on /);
  const labels = [...html.matchAll(/<dt>([^<]*)<\/dt>/g)].map((d) => d[1]);
  assert.deepEqual(labels.filter((l, i) => labels.indexOf(l) !== i), [], 'the run card names each thing once');
  assert.ok(report.indexOf('## Provenance') > report.indexOf('## Methods'), 'report.md gives the numbers before the provenance');

  // The model's four files were hashed once, into four cache entries; a second run finds them and writes none.
  const entries = hashEntries();
  assert.equal(entries.length, 4);
  const threads = os.availableParallelism() + 1;
  const second = runEndormSync([...args, '--threads', String(threads), '--out', path.join(out, 'b')], { ENDORM_CACHE: cache });
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual(hashEntries(), entries, 'no hash was taken again');
  const b = JSON.parse(fs.readFileSync(path.join(out, 'b', 'run.json'), 'utf8')) as RunManifest;
  assert.deepEqual(b.model.files, m.model.files);

  // Compared, the runs differ only in the device's threads: the comparison says so, and nothing else.
  await compareRuns([path.join(out, 'a'), path.join(out, 'b')], path.join(out, 'cmp'));
  const cmp = fs.readFileSync(path.join(out, 'cmp', 'comparison.md'), 'utf8');
  const section = cmp.slice(cmp.indexOf('## Provenance differs'), cmp.indexOf('## Accuracy\n'));
  assert.deepEqual(section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| |')).map((l) => l.split(' | ')[0]), ['| device']);
  assert.ok(section.includes(`, ${os.availableParallelism()} thread`) && section.includes(`, ${threads} threads, `), section);
  assert.match(fs.readFileSync(path.join(out, 'cmp', 'comparison.html'), 'utf8'), /<h2>Provenance differs<\/h2>/);
});
