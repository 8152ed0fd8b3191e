import createDebug from 'debug';
import { format } from 'node:util';

const NAMESPACE = 'tencent-chat-recall-webhook';

/**
 * Turns the package's debug log on for each test of the suite it is called in, and collects its
 * lines, through debug's own switches (as `DEBUG=tencent-chat-recall-webhook` would).
 */
export function captureLog(): string[] {
  const lines: string[] = [];
  const saved = { namespaces: '', log: createDebug.log };
  beforeEach(() => {
    lines.length = 0;
    saved.namespaces = createDebug.disable();
    createDebug.enable(NAMESPACE);
    createDebug.log = (...args: unknown[]) => lines.push(format(...args));
  });
  afterEach(() => {
    createDebug.log = saved.log;
    createDebug.enable(saved.namespaces);
  });
  return lines;
}

/** The collected lines as the package wrote them: without debug's timestamp and namespace. */
export function messagesOf(lines: readonly string[]): string[] {
  const prefix = `${NAMESPACE} `;
  return lines.map((line) => {
    const start = line.indexOf(prefix);
    return start === -1 ? line : line.slice(start + prefix.length);
  });
}
