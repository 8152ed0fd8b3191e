import express, { type Express } from 'express';
import { recallWebhook } from '../adapters/express.js';
import { memoryStore } from '../stores/memory.js';
import { callbackQuery } from '../testing/query.js';
import { sampleRecall } from '../testing/sample.js';
import type { AnyRecallEvent } from '../core/events.js';
import { RECALL_COMMANDS } from '../protocol/commands.js';
import { printable } from '../log.js';
import { EMPTY_TOKEN } from './output.js';

// Every value that came in a request is printed as the debug log writes it: escaped and cut short,
// so that a MsgKey holding a terminal escape, a clear-screen or a line break cannot change the
// operator's terminal or forge a line of its own.
const shown = printable;

/** The recalled messages, by the identifiers their command gives. */
function recalled({ messages }: AnyRecallEvent): string {
  return messages
    .map(({ msgKey, msgSeq }) => (msgKey === undefined ? `MsgSeq ${String(msgSeq)}` : shown(msgKey)))
    .join(', ');
}

/**
 * An Express app with the middleware at `/callback` for every recall command, deduplicating in
 * memory; one line to `print` per recall, duplicate or refusal.
 */
export function createDemoApp(settings: DemoSettings, print: (line: string) => void): Express {
  const recall = recallWebhook({
    sdkAppId: settings.sdkAppId,
    // The demo runs unsigned only without IM_CALLBACK_TOKEN, and says so when it starts (see serve).
    ...(settings.tokens.length === 0 ? { allowUnsigned: true } : { token: settings.tokens }),
    commands: [...RECALL_COMMANDS],
    dedupe: { store: memoryStore() },
  });
  // With several tokens, which one signed: what a rotation waits to see change.
  const signer = (signedWith: number | undefined): string =>
    settings.tokens.length > 1 && signedWith !== undefined ? `, token ${String(signedWith + 1)}` : '';
  const from = ({ sdkAppId, optPlatform, signedWith }: AnyRecallEvent): string =>
    `(SdkAppid ${String(sdkAppId)}, ${optPlatform === undefined ? 'no platform' : shown(optPlatform)}${signer(signedWith)})`;
  recall.events.on('recall', (event) => {
    const { from: sender, to } = event.conversation;
    print(`recall: ${shown(sender)} recalled ${recalled(event)} sent to ${shown(to)} ${from(event)}`);
  });
  recall.events.on('groupRecall', (event) => {
    const { operator, conversation } = event;
    const where = conversation.topicId === undefined ? '' : `, topic ${shown(conversation.topicId)}`;
    const who = operator === undefined ? 'someone' : shown(operator);
    print(
      `groupRecall: ${who} recalled ${recalled(event)} in group ${shown(conversation.groupId)}${where} ${from(event)}`,
    );
  });
  recall.events.on('officialAccountRecall', (event) => {
    print(`officialAccountRecall: ${shown(event.conversation.account)} recalled ${recalled(event)} ${from(event)}`);
  });
  recall.events.on('duplicate', (event) => {
    print(`duplicate: ${recalled(event)} was already handled; answered OK without a second recall event`);
  });
  recall.events.on('rejected', (error) => {
    print(`refused: ${error.code}: ${shown(error.message)}`);
  });
  const app = express();
  app.use('/callback', recall);
  return app;
}

/** What the demo receiver runs with, from its environment. */
export interface DemoSettings {
  readonly host: string;
  readonly port: number;
  readonly sdkAppId: string;
  /** The tokens a callback may be signed with: none for an unsigned demo, two while one changes. */
  readonly tokens: readonly string[];
}

/** What the demo reads: the environment's variables, or `serve`'s flags over them. */
export interface DemoEnvironment {
  readonly PORT?: string | undefined;
  readonly HOST?: string | undefined;
  readonly SDKAPPID?: string | undefined;
  /** One token, or the tokens of `--token` given more than once. */
  readonly IM_CALLBACK_TOKEN?: string | readonly string[] | undefined;
}

/**
 * Reads PORT, HOST, SDKAPPID and IM_CALLBACK_TOKEN. Without them the demo listens on 127.0.0.1:3000 only, for
 * the documented sample SDKAppID 1400000000, and accepts unsigned callbacks. An empty token is an error.
 * `portFrom` names where the port came from in a message about it: the variable, or a flag.
 */
export function demoSettings(env: DemoEnvironment, portFrom = 'PORT'): DemoSettings {
  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${portFrom} must be a port number from 0 to 65535, got ${JSON.stringify(env.PORT)}.`);
  }
  const tokens = typeof env.IM_CALLBACK_TOKEN === 'string' ? [env.IM_CALLBACK_TOKEN] : (env.IM_CALLBACK_TOKEN ?? []);
  // An empty token is a variable that is not set (`--token "$IM_CALLBACK_TOKEN"`): as the library
  // does for `token: undefined`, the demo refuses it rather than run unsigned on a mistake.
  if (tokens.includes('')) throw new TypeError(EMPTY_TOKEN);
  return { host: env.HOST ?? '127.0.0.1', port, sdkAppId: env.SDKAPPID ?? '1400000000', tokens };
}

const SAMPLE = JSON.stringify(sampleRecall());

/** The demo's callback URL, as a client on this machine reaches it. */
export function demoUrl(settings: DemoSettings, port: number): string {
  const host = settings.host === '0.0.0.0' || settings.host === '::' ? '127.0.0.1' : settings.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${String(port)}/callback`;
}

/**
 * A shell command that sends the documented sample callback to the demo. With a token it signs
 * at the moment it runs (a Sign is good for a minute), reading the token from $IM_CALLBACK_TOKEN in the
 * user's shell so that the demo never prints it.
 */
export function curlCommand(settings: DemoSettings, port: number): string {
  const base = demoUrl(settings, port);
  const query = callbackQuery({ sdkAppId: settings.sdkAppId });
  const data = `-H 'Content-Type: application/json' -d '${SAMPLE}'`;
  if (settings.tokens.length === 0) return `curl -sS -X POST '${base}?${query}' ${data}`;
  const signed = `${query}&RequestTime=$T&Sign=$(printf %s "$IM_CALLBACK_TOKEN$T" | sha256sum | cut -c1-64)`;
  return `T=$(date +%s); curl -sS -X POST "${base}?${signed}" ${data}`;
}
