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
