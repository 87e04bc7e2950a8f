/** A run folder that cannot be read: the command reports the message as is, without a stack. */
export class RunFolderError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'RunFolderError';
  }
}
