/** endorm's exit codes; docs/exit-codes.md lists them, CI jobs branch on them. */
export const EXIT = {
  ok: 0,
  /** An unexpected failure (a bug): the stack trace is printed. */
  internal: 1,
  /** Bad command-line usage: unknown option, invalid value, unknown method spec. */
  usage: 2,
  /** Bad input data: malformed line, missing field, unreadable dataset. */
  input: 3,
  /** The model cannot be used: missing files, unsupported architecture, no tokenizer, download failure. */
  model: 4,
  /** `--fail-under` gate: a method scored below its threshold. */
  gate: 5,
  /**
   * Results cannot be written where asked (disk full, read-only, permission denied, a file where a folder is needed):
   * the machine's fault, not a bug; what was written before is kept and the run resumes once it is fixed.
   */
  cannotWrite: 6,
  /** The run folder is being written by another endorm process (its lock names it); nothing was touched. */
  locked: 7,
  /**
   * `endorm merge DIR`: shards of the split are absent or stopped unfinished with nobody writing them (run their tasks
   * again); shards that are only still running are exit 7 instead (wait, then merge again).
   */
  shardsMissing: 8,
  /** Stopped by Ctrl-C (SIGINT) after flushing what was done. */
  interrupted: 130,
  /** Stopped by SIGTERM (a cancelled CI job, an evicted pod) after flushing what was done. */
  terminated: 143,
} as const;
