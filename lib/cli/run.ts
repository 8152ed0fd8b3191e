import { addresses } from './addresses.js';
import { send } from './send.js';
import { serve } from './serve.js';
import { USAGE_ERROR, UsageError, type CommandResult, type Output } from './output.js';
import { describeCause } from '../log.js';
import { closest } from '../options/checks.js';
import { readFileSync } from 'node:fs';

/** The version in the package's own package.json: the command line runs from dist/esm/cli/. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

const HELP = `Usage: tencent-chat-recall-webhook <command> [options]

Commands:
  serve         run a demo receiver of recall callbacks (one-to-one, group, Official Account)
  send <url>    play the Chat backend: send a recall callback to a receiver (--count for load)
  addresses     print Tencent's callback addresses for an app, for allowFrom (GetIPList)

Options:
  -v, --version  print this package's version
  -h, --help     show this help

Run 'tencent-chat-recall-webhook <command> --help' for a command's options.`;

const COMMANDS = { serve, send, addresses } as const;

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
  if (name === '--version' || name === '-v') {
    output.out(packageVersion());
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    const guess = closest(name, [...Object.keys(COMMANDS), '--version', '--help']);
    output.err(`Unknown command '${name}'.${guess === undefined ? '' : ` Did you mean '${guess}'?`}\n\n${HELP}`);
    return USAGE_ERROR;
  }
  try {
    return await COMMANDS[name as keyof typeof COMMANDS](rest, env, output);
  } catch (error) {
    // parseArgs throws on an unknown flag or a missing value, with a message that names it;
    // a UsageError names any other mistake in the command line.
    if (error instanceof UsageError || (error as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS')) {
      output.err(`${(error as Error).message}\nRun 'tencent-chat-recall-webhook ${name} --help' for its options.`);
      return USAGE_ERROR;
    }
    output.err(`error: ${describeCause(error)}`);
    return 1;
  }
}
