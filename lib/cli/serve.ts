import { basename, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { createDemoApp } from './demo.js';
import { curlCommand, demoUrl } from './demo.js';
import { demoSettings } from './demo.js';
import { USAGE_ERROR, type CommandResult, type Output } from './output.js';
import { describeCause } from '../log.js';

const SERVE_HELP = `Usage: tencent-chat-recall-webhook serve [options]

Runs a demo receiver: the recall webhook middleware at /callback for one-to-one, group and
Official Account recalls, printing one line per recall and a curl command that sends one
(send --command sends the others).

Options:
  --port <n>        port to listen on (env PORT; default 3000; 0 picks a free port)
  --host <address>  address to listen on (env HOST; default 127.0.0.1)
  --sdkappid <id>   the SDKAppID to accept (env SDKAPPID; default 1400000000)
  --token <token>   callback authentication token (env IM_CALLBACK_TOKEN; the variable is safer, as
                    command lines can be seen by other users of the machine); without
                    one the demo runs unsigned and says so. Give it twice while the
                    console's token changes: a callback signed with either is accepted
  -h, --help        show this help`;

/** `serve`: flags over the environment's PORT, HOST, SDKAPPID and IM_CALLBACK_TOKEN. */
export async function serve(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: Output,
): CommandResult {
  const { values } = parseArgs({
    args: [...args],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      sdkappid: { type: 'string' },
      token: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) {
    output.out(SERVE_HELP);
    return 0;
  }
  let settings;
  let app;
  try {
    settings = demoSettings(
      {
        PORT: values.port ?? env.PORT,
        HOST: values.host ?? env.HOST,
        SDKAPPID: values.sdkappid ?? env.SDKAPPID,
        IM_CALLBACK_TOKEN: values.token ?? env.IM_CALLBACK_TOKEN,
      },
      values.port === undefined ? 'PORT' : '--port',
    );
    app = createDemoApp(settings, output.out);
  } catch (error) {
    output.err(describeCause(error));
    return USAGE_ERROR;
  }
  const server = app.listen(settings.port, settings.host);
  const started = await new Promise<Error | undefined>((resolve) => {
    server.once('listening', () => {
      resolve(undefined);
    });
    server.once('error', resolve);
  });
  if (started !== undefined) {
    output.err(`Cannot listen on ${settings.host}:${String(settings.port)}: ${started.message}`);
    return 1;
  }
  const { port } = server.address() as AddressInfo;
  output.out(
    `Recall webhook demo listening on http://${settings.host}:${String(port)}/callback (SdkAppid ${settings.sdkAppId})`,
  );
  const { tokens } = settings;
  output.out(
    tokens.length === 0
      ? 'WARNING: running UNSIGNED (no IM_CALLBACK_TOKEN): callbacks are accepted without Sign or RequestTime, from anyone who can reach this address. Set IM_CALLBACK_TOKEN to require them.'
      : `Authentication on: Sign and RequestTime are verified${tokens.length > 1 ? `, signed with any of ${String(tokens.length)} tokens` : ''}. The command below reads the token from $IM_CALLBACK_TOKEN in your shell.`,
  );
  output.out('Send a recall (send it again to see it deduplicated):');
  output.out(curlCommand(settings, port));
  output.out(
    `Group and Official Account recalls: ${selfCommand()} send ${demoUrl(settings, port)} --command group (or official-account)`,
  );
  return undefined;
}

/**
 * This command line as the shell that started it can run it again: through npx where it runs from
 * a project's installed package, by its name from a global install, or as the file it is from
 * where it was started (a clone, after `npm start`), where the package's name is no command.
 */
function selfCommand(): string {
  const script = process.argv[1] ?? '';
  if (script === '' || script.split(sep).includes('node_modules')) return 'npx tencent-chat-recall-webhook';
  // A global install's link, on the PATH by its name.
  const name = basename(script);
  if (name === 'tencent-chat-recall-webhook' || name === 'tcrw') return name;
  const path = relative(process.cwd(), script);
  return `node ${path.includes(' ') ? JSON.stringify(path) : path}`;
}
