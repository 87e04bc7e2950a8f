import os from 'node:os';
import path from 'node:path';

type Env = Record<string, string | undefined>;

/**
 * endorm's cache root, holding Hub downloads (`hub/`) and rewritten scoring graphs (`graphs/`): `ENDORM_CACHE`, else
 * ~/.cache/endorm. One function for both, so they never disagree.
 */
export function endormCacheRoot(env: Env = process.env): string {
  const configured = env.ENDORM_CACHE?.trim();
  return configured ? absolutePath(configured) : path.join(os.homedir(), '.cache', 'endorm');
}

/** An absolute path; a leading `~` is the home folder (a quoted "~/x" in a config or env file reaches us unexpanded). */
export function absolutePath(p: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(os.homedir(), p.slice(1));
  return path.resolve(p);
}
