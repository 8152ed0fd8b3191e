import type { ProtocolAnswer } from '../testing/delivery.js';
import { describeCause, printable } from '../log.js';

/** What `--count` sending measured. */
export interface LoadReport {
  readonly sent: number;
  readonly ok: number;
  readonly fail: number;
  /** Requests that got no protocol answer (unreachable, not JSON, not HTTP 200). */
  readonly errors: number;
  readonly seconds: number;
  /** Latencies in milliseconds, sorted. */
  readonly latenciesMs: readonly number[];
  /** The first failure's reason, if any. */
  readonly firstProblem: string | undefined;
}

/**
 * Sends `count` requests, `concurrency` at a time, and measures each; `onProgress` is told the
 * number done after each one.
 */
export async function runLoad(
  count: number,
  concurrency: number,
  send: (index: number) => Promise<ProtocolAnswer>,
  onProgress: (done: number) => void,
): Promise<LoadReport> {
  const latencies: number[] = [];
  let next = 0;
  let ok = 0;
  let fail = 0;
  let errors = 0;
  let firstProblem: string | undefined;
  const started = process.hrtime.bigint();
  async function worker(): Promise<void> {
    for (let index = next++; index < count; index = next++) {
      const sentAt = process.hrtime.bigint();
      try {
        const answer = await send(index);
        if (answer.ErrorCode === 0) ok += 1;
        else {
          fail += 1;
          // The receiver's words, written to a terminal: escaped as the log escapes them.
          firstProblem ??= printable(answer.ErrorInfo);
        }
      } catch (error) {
        errors += 1;
        firstProblem ??= describeCause(error);
      }
      latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
      onProgress(latencies.length);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { sent: count, ok, fail, errors, seconds, latenciesMs: latencies.sort((a, b) => a - b), firstProblem };
}

/**
 * The latency below which `fraction` of the requests fell (nearest rank).
 * @internal
 */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
}

export function summary(report: LoadReport): string {
  const rate = report.seconds > 0 ? report.sent / report.seconds : 0;
  return (
    `sent ${String(report.sent)}, OK ${String(report.ok)}, FAIL ${String(report.fail)}, errors ${String(report.errors)} ` +
    `in ${report.seconds.toFixed(2)} s: ${rate.toFixed(0)} req/s, ` +
    `p50 ${percentile(report.latenciesMs, 0.5).toFixed(1)} ms, p99 ${percentile(report.latenciesMs, 0.99).toFixed(1)} ms`
  );
}

/** A progress bar for a terminal: `[#########...........]  450/1000`. */
export function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${String(total)}`;
}
