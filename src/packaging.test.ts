import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { PROJECT_ROOT } from './testing/shared-models.js';

test('npm pack ships the CLI, the library and its data, and no test, fixture or stand-in server', () => {
  // npm test has just built dist/ from nothing; --ignore-scripts packs it as it is instead of building it again.
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const files = (JSON.parse(run.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
  for (const shipped of ['bin/endorm', 'dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'prompts/verifier.txt', 'datasets/stories-sample.jsonl', 'examples/models/stories260K/onnx/model.onnx', 'examples/models/stories260K/LICENSE.md']) {
    assert.ok(files.includes(shipped), `${shipped} is shipped`);
  }
  const scaffolding = files.filter((f) => /\.test\.|(^|\/)testing\/|fake-hub|synthetic-run|fixture/.test(f));
  assert.deepEqual(scaffolding, []);
});
