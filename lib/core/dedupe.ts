import { describeCause, type Log } from '../log.js';
import { sha256Hex } from '#runtime';
import { toBase64, utf8Length } from '../runtime/bytes.js';
import type { ResolvedConfig, ResolvedDedupe } from './config.js';
import { refusal, type Refusal } from './errors.js';
import type { Recall } from './decide.js';
import { recallIdentity, type Conversation } from '../protocol/commands.js';
import { callListeners, report } from './listeners.js';
import { attempt, Failure, TIMED_OUT, timeLeft, withDeadline, type Done } from './async.js';

/**
 * Calls a recall's listeners at most once per claim: claims its key in the store, emits the
 * recall's event only when this callback took the claim, and releases the claim when the
 * listeners fail or time out, so that a retry is handled. A callback that finds the key claimed
 * emits `'duplicate'` and succeeds. Calls `done` as `callListeners` does, by the request's
 * `deadline` (on `performance.now()`'s clock); never throws.
 */
export function callListenersOnce(
  config: ResolvedConfig,
  dedupe: ResolvedDedupe,
  recall: Recall,
  deadline: number,
  done: Done<Refusal | undefined>,
): void {
  void claimThenCall(config, dedupe, recall, deadline).then(done, (cause: unknown) => {
    done(refusal('INTERNAL_ERROR', 'the receiver failed', cause));
  });
}

// The longest identity kept in a store key as it is, in UTF-8 bytes, which is what a claim holds
// in Redis (a CJK character is 3 of them). Tencent's MsgKeys look like `48374_2837546_1557481126`;
// the default schema stops at 128 characters, but an app's own schema may allow any length, and a
// group recall's identity holds its group, topic and every MsgSeq.
const MAX_KEPT_KEY_BYTES = 128;

// Where each kind of conversation's claims live: the SdkAppid is digits, so the character after
// it tells them apart, and a one-to-one MsgKey, whatever it holds, never names a group recall. The
// one-to-one keys are as they were before the other commands, so claims in a store stay valid.
const KEY_SPACES: Readonly<Record<Conversation['type'], string>> = {
  c2c: '',
  group: '/group',
  officialAccount: '/officialAccount',
};

/**
 * The store key of a recall: a message is recalled only once, and the identity names the recall
 * within its app. A longer identity is replaced by its SHA-256, so that what a claim holds in
 * memory or in Redis is bounded whatever the schema lets through; `#` instead of `:` keeps the two
 * forms apart.
 */
function dedupeKey({ event }: Recall): string {
  const identity = recallIdentity(event);
  const space = `${String(event.sdkAppId)}${KEY_SPACES[event.conversation.type]}`;
  return utf8Length(identity) <= MAX_KEPT_KEY_BYTES ? `${space}:${identity}` : `${space}#${sha256Base64Url(identity)}`;
}

// The key's hash as claims in stores have always held it: base64url of the digest, unpadded.
function sha256Base64Url(text: string): string {
  const hex = sha256Hex(text);
  const digest = new Uint8Array(hex.length / 2);
  for (let i = 0; i < digest.length; i++) digest[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return toBase64(digest).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

async function claimThenCall(
  config: ResolvedConfig,
  dedupe: ResolvedDedupe,
  recall: Recall,
  deadline: number,
): Promise<Refusal | undefined> {
  const { log } = config;
  const key = dedupeKey(recall);
  // Web Crypto's, which every runtime has (Node.js's as globalThis.crypto).
  const owner = crypto.randomUUID();
  const claim = attempt(() => dedupe.store.claim(key, owner, dedupe.ttlMs));
  const settled = await withDeadline(claim, Math.min(dedupe.storeTimeoutMs, timeLeft(deadline)));
  // Anything but a boolean is a broken store, not a verdict on the recall.
  const claimed =
    typeof settled === 'boolean' || settled === TIMED_OUT || settled instanceof Failure
      ? settled
      : new Failure(new TypeError(`claim() resolved ${typeof settled}, not a boolean`));
  if (claimed === TIMED_OUT || claimed instanceof Failure) {
    const why = claimed === TIMED_OUT ? 'did not answer in time' : 'failed';
    // A claim that comes through after all must not hold off the retry this answer invites.
    if (claimed === TIMED_OUT) {
      void claim.then(async (late) => {
        if (late === true) await release(log, dedupe, key, owner, 'claimed too late');
      });
    }
    log('dedupe store %s for %s: %s', why, key, claimed === TIMED_OUT ? 'timeout' : describeCause(claimed.cause));
    if (!dedupe.failOpen) return refusal('DEDUPE_UNAVAILABLE', `the dedupe store ${why}`);
    return callListenersWithin(config, recall, deadline);
  }
  if (!claimed) {
    log('recall %s is a duplicate', key);
    report(config, 'duplicate', () => [recall.event]);
    return undefined;
  }
  const failure = await callListenersWithin(config, recall, deadline);
  if (failure !== undefined) {
    // Awaited while time is left, so the retry that a FAIL answer invites finds the key free.
    const released = release(log, dedupe, key, owner, failure.code);
    const left = deadline - performance.now();
    if (left > 0) await withDeadline(released, left);
  }
  return failure;
}

/** `callListeners` with what is left until `deadline`, as a promise. */
function callListenersWithin(config: ResolvedConfig, recall: Recall, deadline: number): Promise<Refusal | undefined> {
  return new Promise((resolve) => {
    callListeners(config, recall, resolve, timeLeft(deadline));
  });
}

/** Releases a claim; a failure is logged, and the claim then lasts until its TTL. */
async function release(log: Log, dedupe: ResolvedDedupe, key: string, owner: string, why: string): Promise<void> {
  const outcome = await attempt(() => dedupe.store.release(key, owner));
  if (outcome instanceof Failure) log('dedupe release of %s (%s) failed: %s', key, why, describeCause(outcome.cause));
  else log('dedupe claim on %s released (%s)', key, why);
}
