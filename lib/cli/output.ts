/** Where a command writes: stdout and stderr in the bin, buffers in tests. */
export interface Output {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Redraws a one-line status in place; given only when stderr is a terminal. */
  readonly status?: ((text: string) => void) | undefined;
}

/** A command's result: an exit code, or `undefined` for one that keeps running (a server). */
export type CommandResult = Promise<number | undefined>;

export const USAGE_ERROR = 2;

/** A mistake in the command line, reported with the command's usage hint and exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What the command line says of an empty token, whether from `--token` or IM_CALLBACK_TOKEN. */
export const EMPTY_TOKEN =
  'The token is empty (is the variable set?): give the callback token, or leave out both --token and ' +
  'IM_CALLBACK_TOKEN to go without one.';
