import express, { type Express } from 'express';
import { recallWebhook } from '../adapters/express.js';
import { memoryStore } from '../stores/memory.js';
import { callbackQuery } from '../testing/query.js';
import { sampleRecall } from '../testing/sample.js';

/**
 * An Express app with the middleware at `/callback`, deduplicating in memory; one line to `print`
 * per recall, duplicate or refusal.
 */
export function createDemoApp(settings: DemoSettings, print: (line: string) => void): Express {
  const recall = recallWebhook({
    sdkAppId: settings.sdkAppId,
    // The demo runs unsigned only without TOKEN, and says so when it starts (see serve).
    ...(settings.token === undefined ? { allowUnsigned: true } : { token: settings.token }),
    dedupe: { store: memoryStore() },
  });
  recall.events.on('recall', ({ body, sdkAppId, optPlatform }) => {
    print(
      `recall: ${body.From_Account} recalled ${body.MsgKey} sent to ${body.To_Account} (SdkAppid ${String(sdkAppId)}, ${optPlatform ?? 'no platform'})`,
    );
  });
  recall.events.on('duplicate', ({ body }) => {
    print(`duplicate: ${body.MsgKey} was already handled; answered OK without a second recall event`);
  });
  recall.events.on('rejected', (error) => {
    print(`refused: ${error.code}: ${error.message}`);
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
  readonly token: string | undefined;
}

/**
 * Reads PORT, HOST, SDKAPPID and TOKEN. Without them the demo listens on 127.0.0.1:3000 only, for
 * the documented sample SDKAppID 1400000000, and accepts unsigned callbacks.
 */
export function demoSettings(env: Readonly<Record<string, string | undefined>>): DemoSettings {
  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`PORT must be a port number from 0 to 65535, got ${JSON.stringify(env.PORT)}.`);
  }
  const token = env.TOKEN === undefined || env.TOKEN === '' ? undefined : env.TOKEN;
  return { host: env.HOST ?? '127.0.0.1', port, sdkAppId: env.SDKAPPID ?? '1400000000', token };
}

const SAMPLE = JSON.stringify(sampleRecall());

/**
 * A shell command that sends the documented sample callback to the demo. With a token it signs
 * at the moment it runs (a Sign is good for a minute), reading the token from $TOKEN in the
 * user's shell so that the demo never prints it.
 */
export function curlCommand(settings: DemoSettings, port: number): string {
  const host = settings.host === '0.0.0.0' || settings.host === '::' ? '127.0.0.1' : settings.host;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${String(port)}/callback`;
  const query = callbackQuery({ sdkAppId: settings.sdkAppId });
  const data = `-H 'Content-Type: application/json' -d '${SAMPLE}'`;
  if (settings.token === undefined) return `curl -sS -X POST '${base}?${query}' ${data}`;
  const signed = `${query}&RequestTime=$T&Sign=$(printf %s "$TOKEN$T" | sha256sum | cut -c1-64)`;
  return `T=$(date +%s); curl -sS -X POST "${base}?${signed}" ${data}`;
}
