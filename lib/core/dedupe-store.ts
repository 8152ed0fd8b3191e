// What a dedupe store does: stores/ holds the two that ship, and an app may bring its own. The
// request path sees a store through this interface only.

/**
 * Where claims on recalls are kept, so that a recall delivered more than once (a retry, or a copy
 * that reached another instance) is handled once. Any shared store can back it: two methods, both
 * async. `memoryStore()` and `redisStore(client)` are the two that ship.
 */
export interface DedupeStore {
  /**
   * Claims `key` for `ttlMs` milliseconds on behalf of `owner`, atomically: resolves `true` when
   * this call took the claim, `false` when a claim on `key` is still live. An expired claim counts
   * as none.
   */
  claim(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /**
   * Removes the claim on `key` if `owner` still holds it, so that a retry of a recall whose
   * listeners failed is handled. A claim that expired and was taken by another owner stays.
   */
  release(key: string, owner: string): Promise<void>;
}
