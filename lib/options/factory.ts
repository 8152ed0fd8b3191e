import type { ResolvedConfig } from '../core/config.js';
import { resolveConfig } from './resolve.js';
import { configError } from './checks.js';
import { describeCause, type Log } from '../log.js';
import type { RecallWebhookOptions } from './options.js';

/**
 * Refuses a factory used as a handler itself: `app.use(recallWebhook)` or
 * `http.createServer(recallNodeHandler)` calls it with a request, on the first request.
 */
function rejectMisuse(factory: string, options: unknown): void {
  // By shape: a Node.js request and a fetch Request both have a method, headers and a url. Not
  // `instanceof Request`, which on Node.js loads the fetch implementation (undici): 20 ms of every
  // cold start.
  const request =
    typeof options === 'object' && options !== null && 'headers' in options && 'method' in options && 'url' in options;
  if (request) {
    throw configError(
      `${factory} is a factory: use what it returns, ${factory}({ sdkAppId: ... }), not ${factory} itself.`,
    );
  }
}

/**
 * Checks a factory's options alike for every factory, once, when it runs: not a request (the
 * factory passed uncalled), an object, every name known (the shared options and `adapterOptions`,
 * the factory's own), read as own properties only; and resolves the shared ones. The adapter then
 * reads its own with `ownOption`.
 */
export function createConfig(
  factory: string,
  options: RecallWebhookOptions,
  adapterOptions: readonly string[],
): ResolvedConfig {
  rejectMisuse(factory, options);
  const config = resolveConfig(options, factory, adapterOptions);
  config.log(
    '%s created for SdkAppid %s; %s',
    factory,
    [...config.sdkAppIds].join(', '),
    config.verifySign === undefined
      ? 'UNSIGNED: allowUnsigned is set, so Sign and RequestTime are not checked'
      : 'Sign and RequestTime required',
  );
  return config;
}

/** An adapter's own option, as an own property of the options (`createConfig` checked they are an object). */
export function ownOption<O extends object, K extends keyof O>(options: O, name: K): O[K] | undefined {
  return Object.hasOwn(options, name) ? options[name] : undefined;
}

/** An adapter's own function option, checked at creation. */
export function functionOption<F>(name: string, value: F | undefined, fallback: F): F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw configError(`\`${name}\` must be a function.`);
  return value;
}

/**
 * An adapter's `remoteAddress` option, checked at creation, as a function that never throws: the
 * app's code may throw or return anything, and anything but a string is no address (so a peer
 * that `allowFrom` would have to check is refused).
 */
export function addressOption<A extends unknown[]>(
  value: ((...args: A) => string | null | undefined) | undefined,
  log: Log,
): ((...args: A) => string | undefined) | undefined {
  const read = functionOption('remoteAddress', value, undefined);
  if (read === undefined) return undefined;
  return (...args) => {
    try {
      const address: unknown = read(...args);
      return typeof address === 'string' ? address : undefined;
    } catch (cause) {
      log('remoteAddress threw, so the address is unknown: %s', describeCause(cause));
      return undefined;
    }
  };
}
