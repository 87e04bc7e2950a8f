import fs from 'node:fs/promises';
import path from 'node:path';
import { GENERATOR_META } from '../render/html-page.js';
import { CannotWriteError, writeFault } from '../util/cannot-write-error.js';
import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';
import { RUN_FILES } from './run-files.js';
import { describeHolder, isOrphanTemp, lockStatus, RunLockedError } from './run-lock.js';
import { TRACE_FILES } from './trace-format.js';

/**
 * The one rule set for every file endorm writes outside a run folder it owns (`--html`, `report --out`; `rescore` and
 * `merge` check their --out with it too): a new path, or a file endorm itself wrote there before. Never a run's own
 * files, a device, a FIFO or a socket, and never through a symbolic link (an atomic write would replace the link, not
 * write its target): each is refused (exit 2) saying what is there.
 */
export class OutputRefusedError extends EndormError {
  readonly exitCode = EXIT.usage;
  override name = 'OutputRefusedError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** The files a run folder holds that only its writer may write. */
const RUN_OWN = new Set<string>([RUN_FILES.manifest, RUN_FILES.scores, RUN_FILES.summary, RUN_FILES.lock, RUN_FILES.complete, TRACE_FILES.data, TRACE_FILES.index]);

/** What `report --out` writes: a folder holding only these (and no run) is one endorm wrote. */
const REPORT_NAME = /^(?:summary\.json|report\.(?:md|csv|html)|comparison\.(?:md|csv|html)|grid-[\w-]+\.svg)$/;

/** How far into an existing page endorm looks for its generator mark (it is in the head, in the first lines). */
const MARK_WITHIN = 4096;

/** `--html FILE` (`show`, `inspect`): refuses a FILE endorm may not replace; a missing one is fine. */
export async function checkOutputFile(file: string, option: string): Promise<void> {
  const stat = await lstatOrNone(file);
  if (!stat) return;
  const shown = `${option} ${file}`;
  if (stat.isSymbolicLink()) throw new OutputRefusedError(`${shown} is a symbolic link (to ${await linkTarget(file)}); endorm does not write through links: give the path of the file itself, or a new one`, file);
  if (stat.isDirectory()) throw new CannotWriteError(`cannot write ${file}: it is a folder, not a file (EISDIR); give ${option} a file name`, file, 'EISDIR');
  if (!stat.isFile()) throw new OutputRefusedError(`${shown} is ${kindOf(stat)}, not a file; give the path of a new file`, file);
  const runDir = await runFolderOf(file);
  if (runDir !== undefined) throw new OutputRefusedError(`${shown} is ${path.basename(file)} of the run in ${runDir}; give another file name`, file);
  if (!(await isEndormPage(file))) {
    throw new OutputRefusedError(`${shown} exists and is not a page endorm wrote, so it is left as it is; remove it or give a new file name`, file);
  }
}

/**
 * `report --out DIR` (and a comparison's DIR): a new or empty folder, or one holding only reports endorm wrote. A
 * folder holding a run (other than `own`, the run being reported) is refused unless `force`; so is one with other
 * files. A folder a live process writes is refused (exit 7) even with `force`. Returns whether DIR holds a run, whose
 * lock the writer must then hold while it writes.
 */
export async function checkReportFolder(dir: string, o: { force?: boolean; own?: string } = {}): Promise<{ holdsRun: boolean }> {
  const stat = await lstatOrNone(dir);
  if (!stat) return { holdsRun: false };
  if (stat.isSymbolicLink() && !o.force) {
    throw new OutputRefusedError(`--out ${dir} is a symbolic link (to ${await linkTarget(dir)}); give the folder itself, or --force to write where it points`, dir);
  }
  let names: string[];
  try {
    if (!(await fs.stat(dir)).isDirectory()) throw new CannotWriteError(`cannot write into --out ${dir}: it is a file, not a folder; give a folder`, dir, 'ENOTDIR');
    names = await fs.readdir(dir);
  } catch (err) {
    throw writeFault(err, dir, 'give another --out');
  }
  const lock = await lockStatus(dir);
  if (lock?.live) throw new RunLockedError(`--out ${dir} is being written by ${describeHolder(lock.holder)}: ${RUN_FILES.lock} says so and ${lock.reason}; nothing was written; give another --out`, lock.holder);
  const holdsRun = names.includes(RUN_FILES.manifest);
  const isOwn = o.own !== undefined && path.resolve(o.own) === path.resolve(dir);
  if (holdsRun && !isOwn && !o.force) {
    throw new OutputRefusedError(
      `--out ${dir} holds another run (its ${RUN_FILES.manifest}): its summary and reports would then describe this run; give another --out, or --force to write there anyway`,
      dir,
    );
  }
  const foreign = names.filter((n) => !REPORT_NAME.test(n) && !RUN_OWN.has(n) && !n.startsWith(`${RUN_FILES.lock}.`) && !isOrphanTemp(n)).sort();
  if (foreign.length > 0 && !holdsRun && !o.force) {
    const shown = foreign.slice(0, 3).map((n) => JSON.stringify(n)).join(', ');
    throw new OutputRefusedError(
      `--out ${dir} holds files endorm did not write (${foreign.length}: ${shown}${foreign.length > 3 ? ', …' : ''}); give a new or empty folder, or --force to write into it anyway`,
      dir,
    );
  }
  // Whatever --force allows, a report file is replaced only when it is a file: never a link, a FIFO or a device.
  for (const name of names.filter((n) => REPORT_NAME.test(n))) {
    const entry = path.join(dir, name);
    const s = await lstatOrNone(entry);
    if (s && !s.isFile()) throw new OutputRefusedError(`--out ${dir}: ${name} is ${s.isSymbolicLink() ? `a symbolic link (to ${await linkTarget(entry)})` : kindOf(s)}, not a file endorm wrote; remove it or give another --out`, entry);
  }
  return { holdsRun };
}

/**
 * Checks an --out folder a run is written into (`rescore`, `merge`): a symbolic link is refused (exit 2), so that
 * files endorm removes or replaces there are never those of the folder it points at without saying so.
 */
export async function refuseLinkedFolder(dir: string): Promise<void> {
  const stat = await lstatOrNone(dir);
  if (stat?.isSymbolicLink()) throw new OutputRefusedError(`--out ${dir} is a symbolic link (to ${await linkTarget(dir)}); give the folder itself`, dir);
}

/** The run folder `file` is one of the own files of, if it is one. */
async function runFolderOf(file: string): Promise<string | undefined> {
  if (!RUN_OWN.has(path.basename(file))) return undefined;
  const dir = path.dirname(file);
  return (await lstatOrNone(path.join(dir, RUN_FILES.manifest))) ? dir : undefined;
}

async function isEndormPage(file: string): Promise<boolean> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const buffer = Buffer.alloc(MARK_WITHIN);
    const { bytesRead } = await handle.read(buffer, 0, MARK_WITHIN, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').includes(GENERATOR_META);
  } catch (err) {
    throw writeFault(err, file);
  } finally {
    await handle?.close();
  }
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

async function linkTarget(file: string): Promise<string> {
  return fs.readlink(file).catch(() => 'somewhere that cannot be read');
}

async function lstatOrNone(file: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await fs.lstat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw writeFault(err, file);
  }
}
