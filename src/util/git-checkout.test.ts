import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { gitCheckout } from './git-checkout.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

test('reads HEAD from the files of a checkout: loose refs, packed refs, a detached HEAD, a worktree', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'endorm-git-'));
  const main = path.join(root, 'main');
  await write(path.join(main, '.git', 'HEAD'), 'ref: refs/heads/dev\n');
  await write(path.join(main, '.git', 'refs', 'heads', 'dev'), `${A}\n`);
  assert.deepEqual(await gitCheckout(main), { commit: A, ref: 'refs/heads/dev' });

  // After `git gc` the branch lives only in packed-refs, among peeled tags and a header.
  await write(path.join(main, '.git', 'HEAD'), 'ref: refs/heads/packed\n');
  await write(path.join(main, '.git', 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted\n${C} refs/tags/v1\n^${A}\n${B} refs/heads/packed\n`);
  assert.deepEqual(await gitCheckout(main), { commit: B, ref: 'refs/heads/packed' });

  await write(path.join(main, '.git', 'HEAD'), `${C}\n`);
  assert.deepEqual(await gitCheckout(main), { commit: C });

  // A linked worktree: .git is a file naming its folder, whose commondir leads to the shared refs.
  const tree = path.join(root, 'tree');
  const treeGit = path.join(main, '.git', 'worktrees', 'tree');
  await write(path.join(tree, '.git'), `gitdir: ${treeGit}\n`);
  await write(path.join(treeGit, 'HEAD'), 'ref: refs/heads/dev\n');
  await write(path.join(treeGit, 'commondir'), '../..\n');
  assert.deepEqual(await gitCheckout(tree), { commit: A, ref: 'refs/heads/dev' });

  assert.equal(await gitCheckout(path.join(root, 'nowhere')), undefined);
  await write(path.join(root, 'unborn', '.git', 'HEAD'), 'ref: refs/heads/main\n');
  assert.equal(await gitCheckout(path.join(root, 'unborn')), undefined, 'a branch without a commit has none to name');
});
