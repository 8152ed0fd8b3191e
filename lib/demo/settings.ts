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
