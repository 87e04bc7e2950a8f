/**
 * The base of every error endorm reports to its user rather than as a bug: it carries the exit code the CLI ends with
 * (see exit-codes.ts), so that the CLI maps errors by this field alone and a new kind of error needs no edit there.
 * Its message is printed as is, without a stack.
 */
export abstract class EndormError extends Error {
  abstract readonly exitCode: number;

  /** The line the CLI prints after `endorm: `. */
  describe(): string {
    return `error: ${this.message}`;
  }
}
