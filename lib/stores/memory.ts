import { configError } from '../options/checks.js';
import type { DedupeStore } from '../core/dedupe-store.js';
import { log } from '../log.js';

/** Options of `memoryStore(options)`. */
export interface MemoryStoreOptions {
  /**
   * The most claims kept at once. When full, the oldest claim is dropped to make room, so keep it
   * above the number of recalls the app gets within the dedupe TTL.
   * @default 10000
   */
  readonly maxEntries?: number | undefined;
}

/** A `DedupeStore` in this process's memory. */
export interface MemoryStore extends DedupeStore {
  /** How many claims it holds now, expired ones not yet dropped included. */
  readonly size: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;
// Expired claims dropped from the oldest end on each claim: more than the one a claim adds, so
// expired claims never pile up, and few enough that no claim does unbounded work.
const SWEEP_PER_CLAIM = 2;

interface Claim {
  readonly key: string;
  readonly owner: string;
  readonly expiresAt: number;
  older: Claim | undefined;
  newer: Claim | undefined;
}

/**
 * A store for one process: duplicates that reach the same instance (the Chat backend retrying)
 * are caught; copies that reach other instances are not (use `redisStore` for those). Bounded,
 * every operation O(1), and no timer per key: claims are kept in the order they were taken, which
 * is the order they expire in when the TTL is the same for all, so expired claims are dropped
 * from the oldest end as new ones come in.
 *
 * @example
 * recallWebhook({ sdkAppId: 1400000000, dedupe: { store: memoryStore() } });
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxEntries = resolveMaxEntries(options.maxEntries);
  // The map finds a claim by key; the list, linked through the claims themselves, orders them.
  // (A Map's own iteration order would do, but asking it for its first entry again and again walks
  // over the holes that deletions leave at its start.)
  const claims = new Map<string, Claim>();
  const order: { oldest: Claim | undefined; newest: Claim | undefined } = { oldest: undefined, newest: undefined };

  function drop(claim: Claim): void {
    claims.delete(claim.key);
    if (claim.older === undefined) order.oldest = claim.newer;
    else claim.older.newer = claim.newer;
    if (claim.newer === undefined) order.newest = claim.older;
    else claim.newer.older = claim.older;
  }

  function add(key: string, owner: string, expiresAt: number): void {
    const claim: Claim = { key, owner, expiresAt, older: order.newest, newer: undefined };
    if (order.newest === undefined) order.oldest = claim;
    else order.newest.newer = claim;
    order.newest = claim;
    claims.set(key, claim);
  }

  function sweep(now: number): void {
    for (let i = 0; i < SWEEP_PER_CLAIM && order.oldest !== undefined && order.oldest.expiresAt <= now; i++) {
      drop(order.oldest);
    }
  }

  return {
    get size() {
      return claims.size;
    },
    claim(key, owner, ttlMs) {
      const now = Date.now();
      sweep(now);
      const held = claims.get(key);
      if (held !== undefined) {
        if (held.expiresAt > now) return Promise.resolve(false);
        drop(held);
      }
      add(key, owner, now + ttlMs);
      if (claims.size > maxEntries && order.oldest !== undefined) {
        drop(order.oldest);
        log('memoryStore is full (%d claims): dropped the oldest', maxEntries);
      }
      return Promise.resolve(true);
    },
    release(key, owner) {
      const held = claims.get(key);
      if (held?.owner === owner) drop(held);
      return Promise.resolve();
    },
  };
}

function resolveMaxEntries(value: unknown): number {
  const max = value ?? DEFAULT_MAX_ENTRIES;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1) {
    throw configError(`memoryStore: \`maxEntries\` must be a whole number of 1 or more, got ${String(value)}.`);
  }
  return max;
}
