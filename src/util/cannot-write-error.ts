import { EndormError } from './endorm-error.js';
import { EXIT } from './exit-codes.js';

/** Errors of the machine rather than of endorm when writing an output, with what each means for the user. */
const WRITE_FAULTS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'a file is in the way',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  ENOENT: 'its folder does not exist',
  EFBIG: 'the file would be too large for the file system',
};

/** An output that cannot be written for a reason of the machine (exit 6): names the path and what to do, no stack. */
export class CannotWriteError extends EndormError {
  readonly exitCode = EXIT.cannotWrite;
  override name = 'CannotWriteError';
  constructor(
    message: string,
    readonly path: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Whether `err` is one of the file-system errors that make an output unwritable (see WRITE_FAULTS). */
export function isWriteFault(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code in WRITE_FAULTS;
}

/**
 * The error to throw when writing `target` failed: a CannotWriteError for a fault of the machine (disk full,
 * read-only, ...), naming `target` and `advice`, or `err` itself for anything else (a bug stays a bug).
 */
export function writeFault(err: unknown, target: string, advice = 'fix that and run the same command again'): unknown {
  if (err instanceof CannotWriteError || !isWriteFault(err)) return err;
  const where = err.path && err.path !== target ? ` (${err.code} on ${err.path})` : ` (${err.code})`;
  return new CannotWriteError(`cannot write ${target}: ${WRITE_FAULTS[err.code!]}${where}; ${advice}`, target, err.code);
}

/** What other file-system errors mean, for fileSystemFault. */
const OTHER_FAULTS: Record<string, string> = {
  EIO: 'an input/output error of the device',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files on the system',
  EBUSY: 'the file is busy',
  ETXTBSY: 'the file is busy',
  ESTALE: 'a stale network file handle',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
  EINVAL: 'the file system refused the operation',
  ESPIPE: 'it cannot be read at an offset (a pipe or a device)',
};

/**
 * A file-system error that reached the CLI without a command turning it into its own error (a folder where a file was
 * read, an I/O error): a CannotWriteError (exit 6) naming the path and the call, not a stack. Anything that is not a
 * Node system error (no `syscall`) is returned as it is: that is a bug.
 */
export function fileSystemFault(err: unknown): unknown {
  const e = err as NodeJS.ErrnoException | undefined;
  if (err instanceof CannotWriteError || typeof e?.code !== 'string' || typeof e.syscall !== 'string') return err;
  const what = WRITE_FAULTS[e.code] ?? OTHER_FAULTS[e.code];
  if (what === undefined) return err;
  const target = e.path ?? '(unnamed file)';
  return new CannotWriteError(`cannot ${e.syscall} ${target}: ${what} (${e.code}); fix that and run the same command again`, target, e.code);
}
