import fs from 'node:fs/promises';
import os from 'node:os';
import { createExclusive, removeIfUnchanged } from '../util/lock-file.js';
import { processAlive } from '../util/process-alive.js';

/** The builder touches its lock this often, so that processes on other machines can see it is alive. */
const HEARTBEAT_MS = 5_000;
/**
 * A lock from another machine untouched this long is a dead builder's (its machine crashed, or it was killed with no
 * chance to remove it): many heartbeats, since a shared file system may show another machine's writes late.
 */
export const BUILD_LOCK_STALE_MS = 60_000;
const POLL_MS = 200;

interface Holder {
  host: string;
  pid: number;
  startedAt: string;
}

export interface BuildLockOptions {
  /** Told once when this process waits for another's build, with who builds. */
  onWait?: (holder: string) => void;
  /** For tests: the age after which another machine's lock counts as dead. */
  staleMs?: number;
}

/**
 * Runs `build` in at most one process at a time among all that share the cache (on one machine or on many, over a
 * shared file system): many array tasks starting together on a fresh cache prepare a graph once, the others wait for
 * it. `ready` is asked first and again once the lock is ours or its holder is done, so a graph built meanwhile is
 * used, not rebuilt. The lock is a file beside the entry, created whole and only if absent (util/lock-file.ts); a
 * holder that died (its pid gone on this machine, or no heartbeat from another machine for BUILD_LOCK_STALE_MS) is
 * taken over. Returns whether this process built.
 */
export async function buildOnce(lockFile: string, ready: () => Promise<boolean>, build: () => Promise<void>, o: BuildLockOptions = {}): Promise<boolean> {
  let told = false;
  for (;;) {
    if (await ready()) return false;
    const holder: Holder = { host: os.hostname(), pid: process.pid, startedAt: new Date().toISOString() };
    const text = JSON.stringify(holder);
    if (await createExclusive(lockFile, text)) {
      const heartbeat = setInterval(() => void fs.utimes(lockFile, new Date(), new Date()).catch(() => undefined), HEARTBEAT_MS);
      heartbeat.unref();
      try {
        if (await ready()) return false;
        await build();
        return true;
      } finally {
        clearInterval(heartbeat);
        if ((await fs.readFile(lockFile, 'utf8').catch(() => null)) === text) await fs.rm(lockFile, { force: true }).catch(() => undefined);
      }
    }
    const found = await fs.readFile(lockFile, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : ''));
    if (found === null) continue;
    const other = parseHolder(found);
    if (await isDead(lockFile, other, o.staleMs ?? BUILD_LOCK_STALE_MS)) {
      await removeIfUnchanged(lockFile, found);
      continue;
    }
    if (!told) {
      told = true;
      o.onWait?.(other ? `pid ${other.pid} on ${other.host}, since ${other.startedAt}` : 'another process');
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The lock's holder; undefined while its content is not yet written (or not endorm's). */
function parseHolder(text: string): Holder | undefined {
  try {
    const value = JSON.parse(text) as Holder;
    return typeof value.host === 'string' && Number.isInteger(value.pid) ? value : undefined;
  } catch {
    return undefined;
  }
}

async function isDead(file: string, holder: Holder | undefined, staleMs: number): Promise<boolean> {
  if (holder && holder.host === os.hostname()) return !processAlive(holder.pid);
  const stat = await fs.stat(file).catch(() => undefined);
  return stat !== undefined && Date.now() - stat.mtimeMs > staleMs;
}
