import { serve } from './serve.js';
import { USAGE_ERROR, type CommandResult, type Output } from './output.js';

export const HELP = `Usage: tencent-chat-recall-webhook <command> [options]

Commands:
  serve     run a demo receiver of C2C.CallbackAfterMsgWithDraw callbacks

Run 'tencent-chat-recall-webhook <command> --help' for a command's options.`;

const COMMANDS = { serve } as const;

/** Runs the command line `args` (without node and the script). */
export async function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: Output,
): CommandResult {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? output.err : output.out)(HELP);
    return name === undefined ? USAGE_ERROR : 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    output.err(`Unknown command '${name}'.\n\n${HELP}`);
    return USAGE_ERROR;
  }
  try {
    return await COMMANDS[name as keyof typeof COMMANDS](rest, env, output);
  } catch (error) {
    // parseArgs throws on an unknown flag or a missing value, with a message that names it.
    output.err(
      `${error instanceof Error ? error.message : String(error)}\nRun 'tencent-chat-recall-webhook ${name} --help' for its options.`,
    );
    return USAGE_ERROR;
  }
}
