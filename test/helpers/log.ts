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
