import express, { type Express } from 'express';
import { recallWebhook } from '../express.js';
import { memoryStore } from '../memory-store.js';
import type { DemoSettings } from './settings.js';

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
