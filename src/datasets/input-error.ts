import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';

/**
 * What went wrong with a dataset, in a form the CLI can print as is and a test can match on without parsing messages.
 * `unpaired` is not a fault of the record: it marks a Multifaceted-Bench instance left without a partner (see
 * multifaceted.ts), reported through onInvalid but never thrown.
 */
export type InputErrorCode =
  | 'unreadable'
  | 'invalid-utf8'
  | 'malformed-json'
  | 'malformed-csv'
  | 'invalid-record'
  | 'empty-dataset'
  /** Past a bound of input-limits.ts (a line, a JSON document, records per file) or the longest JavaScript string. */
  | 'too-large'
  | 'unpaired';

/** JSONL, CSV and TSV errors point at a line; a record inside a JSON array can only be pointed at by its index. */
export type LocationUnit = 'line' | 'record';

export interface InputErrorInit {
  code: InputErrorCode;
  file: string;
  /** 1-based line, or 1-based record number when unit is 'record'; absent for errors about the whole file. */
  line?: number;
  unit?: LocationUnit;
  field?: string;
  /** The bare complaint, without location: `expected a non-empty string`. */
  reason: string;
  cause?: unknown;
}

export class InputError extends EndormError {
  readonly exitCode = EXIT.input;
  readonly code: InputErrorCode;
  readonly file: string;
  readonly line?: number;
  readonly unit: LocationUnit;
  readonly field?: string;
  readonly reason: string;

  constructor(init: InputErrorInit) {
    super(formatMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'InputError';
    this.code = init.code;
    this.file = init.file;
    this.unit = init.unit ?? 'line';
    this.reason = init.reason;
    if (init.line !== undefined) this.line = init.line;
    if (init.field !== undefined) this.field = init.field;
  }
}

/** `data.jsonl:17: field "chosen": ...` for lines, `data.json: record 17: field "chosen": ...` for array records. */
function formatMessage(init: InputErrorInit): string {
  let where = init.file;
  if (init.line !== undefined) where += (init.unit ?? 'line') === 'line' ? `:${init.line}` : `: record ${init.line}`;
  const field = init.field !== undefined ? `field "${init.field}": ` : '';
  return `${where}: ${field}${init.reason}`;
}

/** Where a record sits, as readers pass it along with the record. */
export interface RecordLocation {
  file: string;
  line: number;
  unit: LocationUnit;
}

export function recordError(location: RecordLocation, reason: string, field?: string, code: InputErrorCode = 'invalid-record'): InputError {
  return new InputError({ code, file: location.file, line: location.line, unit: location.unit, reason, ...(field === undefined ? {} : { field }) });
}

/** Turns an fs failure into a message that names the file; anything that is not an fs failure passes through. */
export function fileError(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'is a folder, expected a file',
    ENOTDIR: 'a part of the path is not a folder',
    EMFILE: 'too many open files',
    EIO: 'read error',
    ENXIO: 'no such device (a socket cannot be opened by name; pipe it to stdin and pass -)',
  };
  if (typeof code !== 'string' || !(code in reasons)) return error;
  return new InputError({ code: 'unreadable', file, reason: `cannot read: ${reasons[code]}`, cause: error });
}
