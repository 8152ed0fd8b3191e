import { configError } from './config-error.js';
import type { DedupeStore } from './dedupe-store.js';
import { hasMethods, nonNegative, rejectUnknownOptions, resolveTimeout } from './option-checks.js';
import type { DedupeOptions } from './options.js';

/** The `dedupe` option, checked and with its defaults. */
export interface ResolvedDedupe {
  readonly store: DedupeStore;
  readonly ttlMs: number;
  readonly failOpen: boolean;
  readonly storeTimeoutMs: number;
}

const DEFAULTS = { ttlSeconds: 3600, failOpen: false, storeTimeoutMs: 500 } as const;

const DEDUPE_OPTION_NAMES = [
  'store',
  'ttlSeconds',
  'failOpen',
  'storeTimeoutMs',
] as const satisfies readonly (keyof DedupeOptions)[];

export function resolveDedupe(option: DedupeOptions | undefined): ResolvedDedupe | undefined {
  if (option === undefined) return undefined;
  const given: unknown = option;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw configError('`dedupe` must be an object such as { store: memoryStore() }.');
  }
  rejectUnknownOptions(option, DEDUPE_OPTION_NAMES, 'dedupe.');
  const ttlSeconds = nonNegative('dedupe.ttlSeconds', option.ttlSeconds ?? DEFAULTS.ttlSeconds);
  if (ttlSeconds === 0) throw configError('`dedupe.ttlSeconds` must be more than 0.');
  const failOpen: unknown = option.failOpen ?? DEFAULTS.failOpen;
  if (typeof failOpen !== 'boolean') throw configError('`dedupe.failOpen` must be true or false.');
  return {
    store: resolveStore(option.store),
    ttlMs: Math.ceil(ttlSeconds * 1000),
    failOpen,
    storeTimeoutMs: resolveTimeout('dedupe.storeTimeoutMs', option.storeTimeoutMs ?? DEFAULTS.storeTimeoutMs),
  };
}

function resolveStore(store: unknown): DedupeStore {
  if (!hasMethods(store, ['claim', 'release'])) {
    throw configError(
      '`dedupe.store` must be a store with claim() and release(), such as memoryStore() or redisStore(client).',
    );
  }
  return store as DedupeStore;
}
