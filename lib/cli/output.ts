/** Where a command writes: stdout and stderr in the bin, buffers in tests. */
export interface Output {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** A command's result: an exit code, or `undefined` for one that keeps running (a server). */
export type CommandResult = Promise<number | undefined>;

export const USAGE_ERROR = 2;
