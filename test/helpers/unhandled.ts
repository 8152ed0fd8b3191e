import { setTimeout as sleep } from 'node:timers/promises';

/** What went unhandled while a test ran: promise rejections and exceptions no code caught. */
export interface Unhandled {
  readonly rejections: unknown[];
  readonly exceptions: unknown[];
}

/**
 * Runs `run` and waits `settleMs` more, collecting what would otherwise end the process: an
 * unhandled rejection, or an exception thrown where nothing catches it (a listener's error
 * re-thrown on a later tick). Mocha's own handlers, which would fail the test, are set aside
 * meanwhile and put back after.
 */
export async function unhandledDuring(run: () => unknown, settleMs = 20): Promise<Unhandled> {
  const seen: Unhandled = { rejections: [], exceptions: [] };
  const onRejection = (reason: unknown): void => {
    seen.rejections.push(reason);
  };
  const onException = (error: unknown): void => {
    seen.exceptions.push(error);
  };
  const saved = {
    rejection: process.listeners('unhandledRejection'),
    exception: process.listeners('uncaughtException'),
  };
  process.removeAllListeners('unhandledRejection');
  process.removeAllListeners('uncaughtException');
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  try {
    await run();
    await sleep(settleMs);
  } finally {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    for (const listener of saved.rejection) process.on('unhandledRejection', listener);
    for (const listener of saved.exception) process.on('uncaughtException', listener);
  }
  return seen;
}
