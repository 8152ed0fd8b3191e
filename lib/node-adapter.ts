import type { ServerResponse } from 'node:http';
import type { ResolvedConfig } from './config.js';
import { readNodeBody, type NodeRequest } from './intake.js';
import { receive } from './receive.js';
import { writeAnswer } from './reply.js';

/**
 * What the Express middleware and the `node:http` handler share: run a Node request from
 * `remoteAddress` through the protocol and write its answer; hand a request that is not a recall
 * callback to `pass`. An error thrown by `pass` (the app's code) goes to `onError`, never up into
 * the stream that called.
 */
export function answerNodeRequest(
  config: ResolvedConfig,
  req: NodeRequest,
  res: ServerResponse,
  remoteAddress: string | undefined,
  pass: () => void,
  onError: (error: unknown) => void,
): void {
  const readBody = (limit: number, timeout: number, done: Parameters<typeof readNodeBody>[3]): void => {
    readNodeBody(req, limit, timeout, done);
  };
  receive(config, { method: req.method, url: req.url ?? '/', remoteAddress, readBody }, (outcome) => {
    try {
      if (outcome.kind === 'pass') pass();
      else writeAnswer(req, res, outcome.answer);
    } catch (error) {
      onError(error);
    }
  });
}
