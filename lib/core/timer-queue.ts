import { describeCause, log as runtimeLog, type Log } from '../log.js';
import { holdProcess } from '#runtime';

// Every body a receiver reads has the same deadline, `bodyTimeoutMs` (or `timeoutMs`, if shorter)
// from its start, so the deadlines end in the order they began: a queue with one timer, armed for
// the oldest, serves them all. A timer per request cost a Timeout set and cleared on each callback, where almost none
// ever fires. Time is read from the monotonic clock, so a change of the wall clock moves nothing.
//
// When the last live deadline ends, the timer stays armed but stops holding the process open
// (where the runtime has such a thing): a receiver that answers one callback at a time would otherwise clear and set it again
// on every one. Running with nothing to expire, it finds nothing and goes.

/** A deadline held in a `TimerQueue`. */
export interface QueuedDeadline {
  /** Ends the deadline without calling its function; calling it again does nothing. */
  cancel(): void;
}

/** Deadlines of one length, `ms`, on one timer. */
export class TimerQueue {
  private oldest: Entry | undefined;
  private newest: Entry | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly ms: number,
    private readonly log: Log = runtimeLog,
  ) {}

  /** Calls `onExpire` once `ms` has passed, unless cancelled first. `onExpire` must not throw. */
  start(onExpire: () => void): QueuedDeadline {
    const entry = new Entry(performance.now() + this.ms, onExpire, this);
    if (this.newest === undefined) this.oldest = entry;
    else this.newest.next = entry;
    this.newest = entry;
    // A timer left armed when the queue last emptied holds the process open again (a timer
    // already doing so is left as it is).
    if (this.timer === undefined) this.timer = setTimeout(this.expire, this.ms);
    else holdProcess(this.timer, true);
    return entry;
  }

  /** Drops the ended deadlines at the old end; with none left, the timer lets the process go. */
  dropEnded(): void {
    let entry = this.oldest;
    while (entry?.ended === true) entry = entry.next;
    this.oldest = entry;
    if (entry === undefined) {
      this.newest = undefined;
      if (this.timer !== undefined) holdProcess(this.timer, false);
    }
  }

  private readonly expire = (): void => {
    const now = performance.now();
    const expired: Entry[] = [];
    let entry = this.oldest;
    for (; entry !== undefined && (entry.ended || entry.at <= now); entry = entry.next) {
      if (!entry.ended) expired.push(entry);
      entry.ended = true;
    }
    this.oldest = entry;
    if (entry === undefined) this.newest = undefined;
    // A timer may run a fraction of a millisecond before the clock reads its end.
    this.timer = entry === undefined ? undefined : setTimeout(this.expire, Math.max(1, Math.ceil(entry.at - now)));
    // The queue is whole again before any function runs, so one may start or cancel deadlines.
    for (const each of expired) {
      try {
        each.onExpire();
      } catch (error) {
        this.log('a deadline failed: %s', describeCause(error));
      }
    }
  };
}

class Entry implements QueuedDeadline {
  next: Entry | undefined = undefined;
  ended = false;

  constructor(
    readonly at: number,
    readonly onExpire: () => void,
    private readonly queue: TimerQueue,
  ) {}

  cancel(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.dropEnded();
  }
}
