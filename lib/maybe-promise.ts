/**
 * A value now, or later. The request path stays synchronous wherever nothing waits (a refused
 * query, a body a parser already read, listeners that return nothing): each promise there would
 * cost a trip through the microtask queue on every request.
 */
export type MaybePromise<T> = T | Promise<T>;

/** Applies `next` to the value now if it is here, else when it comes. */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
