// The demo receiver that `npm start` runs: the middleware at /callback, configured from the
// environment (PORT, HOST, SDKAPPID, TOKEN), printing one line per recall.
import type { AddressInfo } from 'node:net';
import { createDemoApp } from './app.js';
import { curlCommand } from './curl.js';
import { demoSettings } from './settings.js';

function main(): void {
  const settings = demoSettings(process.env);
  const app = createDemoApp(settings, (line) => {
    console.log(line);
  });
  const server = app.listen(settings.port, settings.host, () => {
    const { port } = server.address() as AddressInfo;
    console.log(
      `Recall webhook demo listening on http://${settings.host}:${String(port)}/callback (SdkAppid ${settings.sdkAppId})`,
    );
    console.log(
      settings.token === undefined
        ? 'Authentication off: set TOKEN to require Sign and RequestTime.'
        : 'Authentication on: Sign and RequestTime are verified. The command below reads the token from $TOKEN in your shell.',
    );
    console.log('Send a recall:');
    console.log(curlCommand(settings, port));
  });
  server.on('error', (error) => {
    console.error(`Cannot listen: ${error.message}`);
    process.exitCode = 1;
  });
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
