import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { parseArgs } from 'node:util';
import { callbackUrl, DEFAULT_POST_TIMEOUT_MS, NotProtocolAnswer } from '../testing/delivery.js';
import { postCallback } from '../testing/post.js';
import { callbackQuery } from '../testing/query.js';
import { sampleCallback } from '../testing/sample.js';
import { closest } from '../options/checks.js';
import {
  GROUP_RECALL_COMMAND,
  OFFICIAL_ACCOUNT_RECALL_COMMAND,
  RECALL_COMMAND,
  RECALL_COMMANDS,
  type RecallCommand,
} from '../protocol/commands.js';
import { progressBar, runLoad, summary } from './load.js';
import { EMPTY_TOKEN, UsageError, type CommandResult, type Output } from './output.js';
import { describeCause } from '../log.js';
import { isJsonObject } from '../protocol/json.js';

const SEND_HELP = `Usage: tencent-chat-recall-webhook send <url> [options]

Plays the Chat backend: POSTs a recall callback to <url> (signed when a token is given), prints
the answer, and exits 1 when it is a FAIL or <url> cannot be reached.

Options:
  --command <name>       the recall to send: C2C.CallbackAfterMsgWithDraw (c2c, the default),
                         Group.CallbackAfterRecallMsg (group) or
                         OfficialAccount.CallbackAfterMsgWithDraw (official-account)
  --sdkappid <id>        the SdkAppid to send (default 1400000000)
  --token <token>        sign with this token (env IM_CALLBACK_TOKEN; the variable is safer, as
                         command lines can be seen by other users of the machine); given
                         more than once, the requests are signed with each in turn, as
                         while the console's token changes, and --count is at least the
                         number of tokens. Without a token the callbacks go unsigned
  --from <user>          c2c: From_Account (default jared)
  --to <user>            c2c: To_Account (default Jonh)
  --msgkey <key>         c2c and official-account: MsgKey (default the docs' sample; with
                         --count, -1, -2, ... added)
  --group <id>           group: GroupId (default 1213456)
  --topic <id>           group: TopicId (default the docs' sample topic)
  --msgseq <n>           group: MsgSeq (default 130; with --count, 130, 131, ...)
  --operator <user>      group: Operator_Account (default admin)
  --account <id>         official-account: Official_Account (default #TOA#_123)
  --platform <name>      OptPlatform (default RESTAPI)
  --event-time <ms|now>  EventTime, in milliseconds
  --body <file.json>     the body from a JSON file; the flags above override its fields
  --count <n>            send n distinct recalls and print a summary (default 1)
  --concurrency <c>      requests in flight at once with --count (default 10)
  --timeout <ms>         how long each request waits for its answer (default 5000)
  -h, --help             show this help`;

const OPTIONS = {
  command: { type: 'string' },
  sdkappid: { type: 'string' },
  token: { type: 'string', multiple: true },
  from: { type: 'string' },
  to: { type: 'string' },
  msgkey: { type: 'string' },
  group: { type: 'string' },
  topic: { type: 'string' },
  msgseq: { type: 'string' },
  operator: { type: 'string' },
  account: { type: 'string' },
  platform: { type: 'string' },
  'event-time': { type: 'string' },
  body: { type: 'string' },
  count: { type: 'string' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
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
  const tokens = values.token ?? (env.IM_CALLBACK_TOKEN === undefined ? [] : [env.IM_CALLBACK_TOKEN]);
  if (tokens.includes('')) throw new UsageError(EMPTY_TOKEN);
  // A receiver with a token refuses these (SIGNATURE_MISSING): said, so that the refusal is no riddle.
  if (tokens.length === 0) output.err('No --token or IM_CALLBACK_TOKEN: sending unsigned callbacks.');
  const count = wholeNumber('--count', values.count ?? String(Math.max(1, tokens.length)), 1);
  if (count < tokens.length) {
    throw new UsageError(
      `--token is given ${String(tokens.length)} times but --count is ${String(count)}: each token signs a request of its own`,
    );
  }
  const concurrency = wholeNumber('--concurrency', values.concurrency ?? '10', 1);
  const limits = { timeoutMs: wholeNumber('--timeout', values.timeout ?? String(DEFAULT_POST_TIMEOUT_MS), 1) };
  const command = commandNamed(values.command ?? RECALL_COMMAND);
  const body = { ...sampleCallback(command), ...bodyFile(values.body), ...bodyFlags(command, values) };
  const query = { callbackCommand: command, sdkAppId: values.sdkappid ?? '1400000000', optPlatform: values.platform };
  // Signed at the moment each request leaves, a Sign being accepted for a minute; the `index`th
  // with the next token in turn.
  const urlNow = (index: number): URL =>
    callbackUrl(url, undefined, callbackQuery({ ...query, token: tokens[index % tokens.length] }));

  if (count === 1) {
    try {
      const answer = await postCallback(urlNow(0), JSON.stringify(body), undefined, limits);
      output.out(terminalJson(answer));
      return answer.ErrorCode === 0 ? 0 : 1;
    } catch (error) {
      // A receiver's page is in the reason only as an excerpt, escaped already (see excerpt()).
      output.err(`cannot deliver to ${url.href}: ${reasonOf(error)}${notFoundHint(error, command)}`);
      return 1;
    }
  }
  const agent = new (url.protocol === 'https:' ? HttpsAgent : HttpAgent)({ keepAlive: true, maxSockets: concurrency });
  let lastDrawn = 0;
  const report = await runLoad(
    count,
    concurrency,
    (index) => postCallback(urlNow(index), JSON.stringify(nthRecall(command, body, index)), agent, limits),
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

const SHORT_NAMES: Readonly<Record<string, RecallCommand>> = {
  c2c: RECALL_COMMAND,
  group: GROUP_RECALL_COMMAND,
  'official-account': OFFICIAL_ACCOUNT_RECALL_COMMAND,
};

/**
 * A receiver hands on, to the app's 404, a callback of a command that is not in its `commands`,
 * just as a request to a path it is not mounted on: a 404 says which to check.
 */
function notFoundHint(error: unknown, command: RecallCommand): string {
  if (!(error instanceof NotProtocolAnswer) || error.status !== 404) return '';
  return ` (HTTP 404: check the URL's path, and that the receiver's \`commands\` include ${command})`;
}

function commandNamed(name: string): RecallCommand {
  const command = SHORT_NAMES[name] ?? RECALL_COMMANDS.find((each) => each === name);
  if (command !== undefined) return command;
  const guess = closest(name, [...RECALL_COMMANDS, ...Object.keys(SHORT_NAMES)]);
  const hint = guess === undefined ? `one of ${RECALL_COMMANDS.join(', ')}` : `did you mean '${guess}'?`;
  throw new UsageError(`--command '${name}' is not a recall command: ${hint}`);
}

/** The `index`th of `--count` recalls: each names other messages, so that none is a duplicate. */
function nthRecall(command: RecallCommand, body: Body, index: number): Body {
  const n = String(index + 1);
  if (command === GROUP_RECALL_COMMAND) {
    const [first, ...rest] = listIn(body.MsgSeqList);
    const msgSeq = typeof first?.MsgSeq === 'number' ? first.MsgSeq + index : index;
    return { ...body, MsgSeqList: [{ ...first, MsgSeq: msgSeq }, ...rest] };
  }
  if (command === OFFICIAL_ACCOUNT_RECALL_COMMAND) {
    const [first, ...rest] = listIn(body.WithdrawMsgList);
    return { ...body, WithdrawMsgList: [{ ...first, MsgKey: `${String(first?.MsgKey)}-${n}` }, ...rest] };
  }
  return { ...body, MsgKey: `${String(body.MsgKey)}-${n}` };
}

type Body = Readonly<Record<string, unknown>>;

function listIn(value: unknown): Body[] {
  return Array.isArray(value) ? (value as Body[]) : [];
}

function bodyFile(path: string | undefined): Body {
  if (path === undefined) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--body ${path} cannot be read: ${describeCause(error)}`);
  }
  if (text.trim() === '') throw new UsageError(`--body ${path} is empty: it must hold a JSON object`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--body ${path} is not JSON: ${describeCause(error)}`);
  }
  if (!isJsonObject(value)) throw new UsageError(`--body ${path} is not a JSON object`);
  return value;
}

// The flags that set a body field, by the commands whose body has it.
const FIELD_FLAGS = {
  from: [RECALL_COMMAND],
  to: [RECALL_COMMAND],
  msgkey: [RECALL_COMMAND, OFFICIAL_ACCOUNT_RECALL_COMMAND],
  group: [GROUP_RECALL_COMMAND],
  topic: [GROUP_RECALL_COMMAND],
  msgseq: [GROUP_RECALL_COMMAND],
  operator: [GROUP_RECALL_COMMAND],
  account: [OFFICIAL_ACCOUNT_RECALL_COMMAND],
} as const satisfies Readonly<Record<string, readonly RecallCommand[]>>;

type FieldFlag = keyof typeof FIELD_FLAGS;

function bodyFlags(command: RecallCommand, values: Partial<Record<FieldFlag | 'event-time', string>>): Body {
  for (const flag of Object.keys(FIELD_FLAGS) as FieldFlag[]) {
    const commands: readonly RecallCommand[] = FIELD_FLAGS[flag];
    if (values[flag] !== undefined && !commands.includes(command)) {
      throw new UsageError(`--${flag} does not apply to ${command}: it sets a field of ${commands.join(' and ')}`);
    }
  }
  const fields: Record<string, unknown> = {};
  if (values.from !== undefined) fields.From_Account = values.from;
  if (values.to !== undefined) fields.To_Account = values.to;
  if (values.msgkey !== undefined) {
    if (command === RECALL_COMMAND) fields.MsgKey = values.msgkey;
    else fields.WithdrawMsgList = [{ MsgKey: values.msgkey }];
  }
  if (values.group !== undefined) fields.GroupId = values.group;
  if (values.topic !== undefined) fields.TopicId = values.topic;
  if (values.operator !== undefined) fields.Operator_Account = values.operator;
  if (values.msgseq !== undefined) fields.MsgSeqList = [{ MsgSeq: wholeNumber('--msgseq', values.msgseq, 0) }];
  if (values.account !== undefined) fields.Official_Account = values.account;
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

// JSON.stringify escapes the C0 controls, but not DEL, the C1 controls (0x9b starts an escape
// sequence on many terminals) or the line separators: a receiver's ErrorInfo is written where a
// person reads it, so those are escaped too, and the line is still the answer's JSON.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029]/g;

/** `value` as JSON a terminal shows as it is. */
function terminalJson(value: unknown): string {
  return JSON.stringify(value).replace(
    UNSAFE_IN_JSON,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
