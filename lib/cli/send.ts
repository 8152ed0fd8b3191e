import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { parseArgs } from 'node:util';
import { callbackUrl, postCallback } from '../testing/post.js';
import { callbackQuery } from '../testing/query.js';
import { sampleRecall, type RecallBodyOverrides } from '../testing/sample.js';
import { progressBar, runLoad, summary } from './load.js';
import { UsageError, type CommandResult, type Output } from './output.js';
import { describeCause } from '../log.js';

export const SEND_HELP = `Usage: tencent-chat-recall-webhook send <url> [options]

Plays the Chat backend: POSTs a C2C.CallbackAfterMsgWithDraw callback to <url> (signed when a
token is given), prints the answer, and exits 1 when it is a FAIL or <url> cannot be reached.

Options:
  --sdkappid <id>        the SdkAppid to send (default 1400000000)
  --token <token>        sign with this token (env TOKEN)
  --from <user>          From_Account (default jared)
  --to <user>            To_Account (default Jonh)
  --msgkey <key>         MsgKey (default 48374_2837546_1557481126; with --count, -1, -2, ... added)
  --platform <name>      OptPlatform (default RESTAPI)
  --event-time <ms|now>  EventTime, in milliseconds
  --body <file.json>     the body from a JSON file; the flags above override its fields
  --count <n>            send n distinct recalls and print a summary (default 1)
  --concurrency <c>      requests in flight at once with --count (default 10)
  -h, --help             show this help`;

const OPTIONS = {
  sdkappid: { type: 'string' },
  token: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  msgkey: { type: 'string' },
  platform: { type: 'string' },
  'event-time': { type: 'string' },
  body: { type: 'string' },
  count: { type: 'string' },
  concurrency: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `send <url>`: one callback, or `--count` of them with a summary. */
export async function send(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: Output,
): CommandResult {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    output.out(SEND_HELP);
    return 0;
  }
  const [target, ...rest] = positionals;
  if (target === undefined)
    throw new UsageError('send needs the URL of a receiver, e.g. send http://127.0.0.1:3000/callback');
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest.join(' ')}'`);
  const url = httpUrl(target);
  const count = wholeNumber('--count', values.count ?? '1', 1);
  const concurrency = wholeNumber('--concurrency', values.concurrency ?? '10', 1);
  const body = sampleRecall({ ...bodyFile(values.body), ...bodyFlags(values) });
  const query = {
    sdkAppId: values.sdkappid ?? '1400000000',
    token: values.token ?? (env.TOKEN === '' ? undefined : env.TOKEN),
    optPlatform: values.platform,
  };
  // Signed at the moment each request leaves: a Sign is accepted for a minute.
  const urlNow = (): URL => callbackUrl(url, undefined, callbackQuery(query));

  if (count === 1) {
    try {
      const answer = await postCallback(urlNow(), JSON.stringify(body));
      output.out(JSON.stringify(answer));
      return answer.ErrorCode === 0 ? 0 : 1;
    } catch (error) {
      output.err(`cannot deliver to ${url.href}: ${reasonOf(error)}`);
      return 1;
    }
  }
  const agent = new (url.protocol === 'https:' ? HttpsAgent : HttpAgent)({ keepAlive: true, maxSockets: concurrency });
  let lastDrawn = 0;
  const report = await runLoad(
    count,
    concurrency,
    (index) =>
      postCallback(urlNow(), JSON.stringify({ ...body, MsgKey: `${body.MsgKey}-${String(index + 1)}` }), agent),
    (done) => {
      if (output.status !== undefined && (done === count || Date.now() - lastDrawn > 100)) {
        lastDrawn = Date.now();
        output.status(progressBar(done, count));
      }
    },
  );
  agent.destroy();
  if (output.status !== undefined) output.err('');
  output.out(summary(report));
  if (report.firstProblem === undefined) return 0;
  output.err(`first problem: ${report.firstProblem}`);
  return 1;
}

function httpUrl(text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:')
    throw new UsageError(`'${text}' is not an http or https URL`);
  return url;
}

function wholeNumber(flag: string, text: string, minimum: number): number {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < minimum) {
    throw new UsageError(`${flag} must be a whole number of at least ${String(minimum)}, got '${text}'`);
  }
  return value;
}

function bodyFile(path: string | undefined): RecallBodyOverrides {
  if (path === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--body ${path}: ${describeCause(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`--body ${path}: not a JSON object`);
  return value as RecallBodyOverrides;
}

function bodyFlags(values: {
  from?: string;
  to?: string;
  msgkey?: string;
  'event-time'?: string;
}): RecallBodyOverrides {
  const fields: Record<string, unknown> = {};
  if (values.from !== undefined) fields.From_Account = values.from;
  if (values.to !== undefined) fields.To_Account = values.to;
  if (values.msgkey !== undefined) fields.MsgKey = values.msgkey;
  const eventTime = values['event-time'];
  if (eventTime !== undefined)
    fields.EventTime = eventTime === 'now' ? Date.now() : wholeNumber('--event-time', eventTime, 0);
  return fields;
}

// Node reports a refused connection to a name with several addresses as an AggregateError with
// no message of its own; its first error says what happened.
function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') return reasonOf(error.errors[0]);
  if (error instanceof Error)
    return error.message === '' ? ((error as NodeJS.ErrnoException).code ?? error.name) : error.message;
  return String(error);
}
