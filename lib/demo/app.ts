import express, { type Express } from 'express';
import { recallWebhook } from '../express.js';
import type { DemoSettings } from './settings.js';

/** An Express app with the middleware at `/callback`; one line to `print` per recall or refusal. */
export function createDemoApp(settings: DemoSettings, print: (line: string) => void): Express {
  const recall = recallWebhook({ sdkAppId: settings.sdkAppId, token: settings.token });
  recall.events.on('recall', ({ body, sdkAppId, optPlatform }) => {
    print(
      `recall: ${body.From_Account} recalled ${body.MsgKey} sent to ${body.To_Account} (SdkAppid ${String(sdkAppId)}, ${optPlatform ?? 'no platform'})`,
    );
  });
  recall.events.on('rejected', (error) => {
    print(`refused: ${error.code}: ${error.message}`);
  });
  const app = express();
  app.use('/callback', recall);
  return app;
}
