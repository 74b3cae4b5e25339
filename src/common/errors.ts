/** An error the user can act on: printed as one clear message, exit status non-zero. */
export class SpotError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'SpotError';
  }
}
