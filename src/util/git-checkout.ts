import fs from 'node:fs/promises';
import path from 'node:path';

/** The commit a git checkout stands at, and the branch (or other ref) its HEAD names, when it names one. */
export interface GitCheckout {
  commit: string;
  ref?: string;
}

const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Reads HEAD of the git checkout whose top folder is `root` from its files alone (no git binary): `.git` as a folder,
 * or as a file naming the folder (a worktree, a submodule), whose `commondir` holds the shared refs; a ref is looked
 * up as a loose file, then in `packed-refs`. Undefined outside a checkout or for anything it cannot read.
 */
export async function gitCheckout(root: string): Promise<GitCheckout | undefined> {
  try {
    const dotGit = path.join(root, '.git');
    const gitDir = (await fs.stat(dotGit)).isDirectory() ? dotGit : await linkedGitDir(dotGit, root);
    if (gitDir === undefined) return undefined;
    const commonDir = await readText(path.join(gitDir, 'commondir')).then(
      (dir) => (dir === undefined ? gitDir : path.resolve(gitDir, dir)),
    );
    const head = await readText(path.join(gitDir, 'HEAD'));
    if (head === undefined) return undefined;
    if (OBJECT_ID.test(head)) return { commit: head };
    const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
    if (ref === undefined) return undefined;
    const commit = (await looseRef(gitDir, ref)) ?? (await looseRef(commonDir, ref)) ?? (await packedRef(commonDir, ref));
    return commit === undefined ? undefined : { commit, ref };
  } catch {
    return undefined;
  }
}

async function linkedGitDir(file: string, root: string): Promise<string | undefined> {
  const target = /^gitdir:\s*(.+)$/.exec((await readText(file)) ?? '')?.[1];
  return target === undefined ? undefined : path.resolve(root, target);
}

async function looseRef(dir: string, ref: string): Promise<string | undefined> {
  const id = await readText(path.join(dir, ...ref.split('/')));
  return id !== undefined && OBJECT_ID.test(id) ? id : undefined;
}

/** `packed-refs` lines are `<id> <ref>`, with `#` headers and `^<id>` peeled tags between them. */
async function packedRef(dir: string, ref: string): Promise<string | undefined> {
  for (const line of ((await readText(path.join(dir, 'packed-refs'))) ?? '').split('\n')) {
    const [id, name] = line.trim().split(' ');
    if (name === ref && id !== undefined && OBJECT_ID.test(id)) return id;
  }
  return undefined;
}

async function readText(file: string): Promise<string | undefined> {
  return fs.readFile(file, 'utf8').then((text) => text.trim(), () => undefined);
}
