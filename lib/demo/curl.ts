import { callbackQuery } from '../testing/query.js';
import { sampleRecall } from '../testing/sample.js';
import type { DemoSettings } from './settings.js';

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
