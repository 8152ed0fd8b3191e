// The event emitter of runtimes without node:events (Workers without nodejs_compat, Vercel's edge):
// the part of Node's EventEmitter API that RecallEmitter types, with Node's semantics, so that an
// app's listeners behave the same on every runtime. test/runtime/emitter.test.ts runs the same
// assertions on it and on node:events.

type Listener = (...args: unknown[]) => unknown;

// What `once` registers: calling it removes it, then calls the listener. `listener` is where Node
// keeps the original, so that `off(event, original)` and `listeners()` find it.
interface OnceWrapper extends Listener {
  listener: Listener;
}

/** Node's default: a warning past 10 listeners of one event, here only a number kept for the API. */
const DEFAULT_MAX_LISTENERS = 10;

export class Emitter {
  readonly #events = new Map<string | symbol, Listener[]>();
  #maxListeners = DEFAULT_MAX_LISTENERS;

  on(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, false);
  }

  addListener(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, false);
  }

  prependListener(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, true);
  }

  once(event: string | symbol, listener: Listener): this {
    return this.#add(event, this.#onceWrapper(event, listener), false);
  }

  prependOnceListener(event: string | symbol, listener: Listener): this {
    return this.#add(event, this.#onceWrapper(event, listener), true);
  }

  off(event: string | symbol, listener: Listener): this {
    return this.removeListener(event, listener);
  }

  /** Removes the most recently added registration of `listener`, as Node does. */
  removeListener(event: string | symbol, listener: Listener): this {
    const list = this.#events.get(event);
    if (list === undefined) return this;
    for (let i = list.length - 1; i >= 0; i--) {
      const each = list[i];
      if (each === listener || (each as Partial<OnceWrapper> | undefined)?.listener === listener) {
        // A new array, so that an emit already running keeps calling the listeners it started with.
        const rest = [...list.slice(0, i), ...list.slice(i + 1)];
        if (rest.length === 0) this.#events.delete(event);
        else this.#events.set(event, rest);
        break;
      }
    }
    return this;
  }

  removeAllListeners(event?: string | symbol): this {
    if (event === undefined) this.#events.clear();
    else this.#events.delete(event);
    return this;
  }

  listenerCount(event: string | symbol): number {
    return this.#events.get(event)?.length ?? 0;
  }

  listeners(event: string | symbol): Listener[] {
    return (this.#events.get(event) ?? []).map((each) => (each as Partial<OnceWrapper>).listener ?? each);
  }

  rawListeners(event: string | symbol): Listener[] {
    return [...(this.#events.get(event) ?? [])];
  }

  /** Calls the listeners in order, synchronously; a throw stops the emit and reaches the caller. */
  emit(event: string | symbol, ...args: unknown[]): boolean {
    const list = this.#events.get(event);
    if (list === undefined) return false;
    for (const listener of list) listener.apply(this, args);
    return true;
  }

  setMaxListeners(n: number): this {
    this.#maxListeners = n;
    return this;
  }

  getMaxListeners(): number {
    return this.#maxListeners;
  }

  #add(event: string | symbol, listener: Listener, first: boolean): this {
    if (typeof listener !== 'function') {
      throw new TypeError(`The "listener" argument must be of type function. Received ${typeof listener}`);
    }
    const list = this.#events.get(event) ?? [];
    this.#events.set(event, first ? [listener, ...list] : [...list, listener]);
    return this;
  }

  #onceWrapper(event: string | symbol, listener: Listener): OnceWrapper {
    let fired = false;
    const wrapper = ((...args: unknown[]): unknown => {
      if (fired) return undefined;
      fired = true;
      this.removeListener(event, wrapper);
      return listener.apply(this, args);
    }) as OnceWrapper;
    wrapper.listener = listener;
    return wrapper;
  }
}
