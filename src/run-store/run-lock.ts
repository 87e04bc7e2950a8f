import { readFileSync, readlinkSync, unlinkSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeFault } from '../util/cannot-write-error.js';
import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';
import { createExclusive as createLockFile, removeIfUnchanged } from '../util/lock-file.js';
import { makeFolder } from '../util/make-folder.js';
import { processAlive } from '../util/process-alive.js';
import { RUN_FILES } from './run-files.js';

/** What run.lock says about the process writing the folder. */
export interface LockHolder {
  host: string;
  pid: number;
  /** When it took the lock (ISO time). */
  startedAt: string;
  /** The command it runs (`score`, `rescore`, `merge`). */
  command: string;
  /** Linux: the process's start time in clock ticks since boot, which tells a reused pid from the holder. */
  pidStart?: string;
  /**
   * Linux: its pid namespace (`pid:[4026531836]`). Two containers may share a host name (a retried pod) but not their
   * pids: a holder from another namespace is checked like one from another host.
   */
  pidNamespace?: string;
  /**
   * The scheduler's task this process is (`slurm:CLUSTER:JOB_TASK`, `kubernetes:POD_HOSTNAME`), where a scheduler
   * starts it: the scheduler runs one instance of a task at a time, so a later run of the same task may take over.
   */
  task?: string;
}

/** Another endorm process writes the folder (exit 7); nothing in it was touched. */
export class RunLockedError extends EndormError {
  readonly exitCode = EXIT.locked;
  override name = 'RunLockedError';
  constructor(
    message: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(message);
  }
}

export interface RunLock {
  file: string;
  holder: LockHolder;
  /** Removes the lock if it is still this process's; safe to call twice. */
  release(): Promise<void>;
}

export interface LockOptions {
  command: string;
  /** Take over a lock held from another host (whose process cannot be checked from here). */
  forceUnlock?: boolean;
  /** Told when a stale lock was taken over. */
  onNote?: (message: string) => void;
  /** The scheduler's task this process is (see LockHolder.task): a lock of an earlier run of it is taken over. */
  task?: string;
}

/** Locks held by this process, removed on any exit (a second Ctrl-C calls process.exit, which skips `finally`). */
const held = new Map<string, string>();
/** Lock files being staged (createExclusive): a signal's exit between their write and their removal must not leave them. */
const staging = new Set<string>();
let exitHookInstalled = false;

/**
 * Makes this process the one writer of `dir`: creates `dir/run.lock` atomically (written beside it, then hard-linked
 * into place, which fails if it exists), holding host, pid and start time. A lock whose process is gone from this host
 * is taken over with a note; one from another host needs `forceUnlock`; a live holder is a RunLockedError naming it.
 */
export async function lockRunFolder(dir: string, o: LockOptions): Promise<RunLock> {
  const file = path.join(dir, RUN_FILES.lock);
  const holder: LockHolder = {
    host: os.hostname(),
    pid: process.pid,
    startedAt: new Date().toISOString(),
    command: o.command,
    ...(processStart(process.pid) !== undefined ? { pidStart: processStart(process.pid)! } : {}),
    ...(pidNamespace() !== undefined ? { pidNamespace: pidNamespace()! } : {}),
    ...(o.task !== undefined ? { task: o.task } : {}),
  };
  const text = JSON.stringify(holder) + '\n';
  let created: string | undefined;
  try {
    created = (await pathMissing(dir)) ? dir : undefined;
    await makeFolder(dir);
  } catch (err) {
    throw writeFault(err, dir);
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    // Read first: a live holder is refused without a byte written into its folder.
    const found = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(writeFault(err, file))));
    if (found !== null) {
      const other = parseHolder(found);
      const verdict = judge(other, o.forceUnlock === true, o.task);
      if (verdict.live) throw new RunLockedError(lockedMessage(dir, file, other, verdict.reason), other);
      if (await takeOver(file, found)) o.onNote?.(`took over ${file}: ${verdict.reason}`);
      continue;
    }
    // Held before it exists: a signal's exit in the moment after the link must still remove it (the exit hook removes
    // the file only while it holds this text, never another process's lock).
    held.set(file, text);
    installExitHook();
    let taken = false;
    try {
      taken = await createExclusive(file, text);
    } finally {
      if (!taken) held.delete(file);
    }
    if (!taken) continue;
    await removeOrphanTemps(dir);
    return {
      file,
      holder,
      release: async () => {
        await releaseLock(file, text);
        // A folder this lock created and nothing else filled (the model failed to load) does not outlive the run;
        // only the folder itself, not parents it may have made.
        if (created !== undefined) await fs.rmdir(dir).catch(() => undefined);
      },
    };
  }
  if (created !== undefined) await fs.rmdir(dir).catch(() => undefined);
  throw new RunLockedError(`${dir}: could not take ${file}: other processes keep taking it; is another endorm starting on this folder?`, undefined);
}

/**
 * Who holds `dir`'s lock, and whether that process is running (a reader's question: it takes nothing); undefined when
 * the folder has no lock. A lock from another host counts as live: it cannot be checked from here.
 */
export async function lockStatus(dir: string): Promise<{ holder: LockHolder | undefined; live: boolean; reason: string } | undefined> {
  const found = await fs.readFile(path.join(dir, RUN_FILES.lock), 'utf8').catch(() => null);
  if (found === null) return undefined;
  const holder = parseHolder(found);
  // This process's own lock (a report written into the run it reads) is no other writer.
  if (holder && holder.pid === process.pid && holder.host === os.hostname() && held.has(path.join(dir, RUN_FILES.lock))) return { holder, live: false, reason: 'this process holds it' };
  return { holder, ...judge(holder, false) };
}

/** What a reader says of a folder whose lock is live: who writes it. */
export function describeHolder(holder: LockHolder | undefined): string {
  return holder ? `endorm ${holder.command} (pid ${holder.pid} on host ${holder.host}, since ${holder.startedAt})` : 'another process';
}

/** Whether the lock `holder` still stands, and why (or why not). */
function judge(holder: LockHolder | undefined, force: boolean, task?: string): { live: boolean; reason: string } {
  if (!holder) {
    return force ? { live: false, reason: 'it could not be read, and --force-unlock was given' } : { live: true, reason: 'it cannot be read' };
  }
  const here = pidNamespace();
  if (holder.host !== os.hostname() || (holder.pidNamespace !== undefined && here !== undefined && holder.pidNamespace !== here)) {
    // A requeued Slurm task or a restarted pod on another node: its scheduler ran one instance of it at a time.
    if (task !== undefined && holder.task === task) {
      return { live: false, reason: `it was held by an earlier run of this scheduler task (${task}: pid ${holder.pid} on host ${holder.host}), which the scheduler has ended` };
    }
    return force
      ? { live: false, reason: `it was held by pid ${holder.pid} on host ${holder.host}, and --force-unlock was given` }
      : { live: true, reason: 'it was taken on another host (or container), whose processes cannot be checked from here' };
  }
  const gone = !processAlive(holder.pid) || (holder.pidStart !== undefined && processStart(holder.pid) !== undefined && processStart(holder.pid) !== holder.pidStart);
  if (gone) return { live: false, reason: `its process (pid ${holder.pid}, ${holder.command} since ${holder.startedAt}) is gone` };
  return { live: true, reason: 'that process is running' };
}

function lockedMessage(dir: string, file: string, holder: LockHolder | undefined, reason: string): string {
  const who = describeHolder(holder);
  const what =
    holder && holder.host === os.hostname() && reason === 'that process is running'
      ? 'wait for it to finish or stop it, then run this again'
      : `if no endorm writes this folder any more, run again with --force-unlock (or remove ${file})`;
  return `${dir} is being written by ${who}: ${file} says so and ${reason}; nothing was changed. One process writes a run folder at a time: ${what}`;
}

/** lock-file.ts's exclusive creation, its faults worded for the user (exit 6). */
async function createExclusive(file: string, text: string): Promise<boolean> {
  installExitHook();
  try {
    return await createLockFile(file, text, staging);
  } catch (err) {
    throw writeFault(err, file);
  }
}

/** The stale lock removed only if it is still the one judged (see removeIfUnchanged). */
async function takeOver(file: string, judged: string): Promise<boolean> {
  installExitHook();
  try {
    return await removeIfUnchanged(file, judged, staging);
  } catch (err) {
    throw writeFault(err, file);
  }
}

async function releaseLock(file: string, text: string): Promise<void> {
  if (!held.has(file)) return;
  held.delete(file);
  const now = await fs.readFile(file, 'utf8').catch(() => null);
  if (now === text) await fs.rm(file, { force: true }).catch(() => undefined);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [file, text] of held) {
      try {
        if (readFileSync(file, 'utf8') === text) unlinkSync(file);
      } catch {
        // gone already, or the folder went away: nothing to release
      }
    }
    held.clear();
    for (const file of staging) {
      try {
        unlinkSync(file);
      } catch {
        // not written yet, or removed already
      }
    }
    staging.clear();
  });
}

/** Temporary files of writers in this folder (atomic writes, staged locks) that a kill left: their process is gone. */
const ORPHAN_NAME = /\.(?:tmp-(\d+)|lock\.(?:stale-)?(\d+)-[0-9a-f]{12})$/;
const ORPHAN_AGE_MS = 60_000;

/**
 * Whether a folder entry is a temporary file or staged lock of a process that is gone (a kill between its write and
 * its rename): nobody's, so a check for a folder's own files passes over it.
 */
export function isOrphanTemp(name: string): boolean {
  const match = ORPHAN_NAME.exec(name);
  const pid = Number(match?.[1] ?? match?.[2]);
  return match !== null && pid !== process.pid && !processAlive(pid);
}

/** Only the lock holder writes here, so a temporary file of a dead process (and a minute old) is nobody's. */
async function removeOrphanTemps(dir: string): Promise<void> {
  const now = Date.now();
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const match = ORPHAN_NAME.exec(name);
    const pid = Number(match?.[1] ?? match?.[2]);
    if (!match || pid === process.pid || processAlive(pid)) continue;
    const entry = path.join(dir, name);
    const stat = await fs.lstat(entry).catch(() => undefined);
    if (stat?.isFile() && now - stat.mtimeMs >= ORPHAN_AGE_MS) await fs.rm(entry, { force: true }).catch(() => undefined);
  }
}

async function pathMissing(dir: string): Promise<boolean> {
  return fs.stat(dir).then(
    () => false,
    () => true,
  );
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.host === 'string' && Number.isInteger(value.pid) && typeof value.startedAt === 'string') {
      return { command: 'run', ...value } as LockHolder;
    }
  } catch {
    // not a lock endorm wrote whole
  }
  return undefined;
}

function pidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot); undefined off Linux or for a gone process. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
