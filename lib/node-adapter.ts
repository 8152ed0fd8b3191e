import type { ServerResponse } from 'node:http';
import type { ResolvedConfig } from './config.js';
import { readNodeBody, type NodeRequest } from './intake.js';
import { receive, type Outcome } from './receive.js';
import { writeAnswer } from './reply.js';

/**
 * What the Express middleware and the `node:http` handler share: run a Node request through the
 * protocol and write its answer; hand a request that is not a recall callback to `pass`. An error
 * thrown by `pass` (the app's code) goes to `onError`.
 */
export function answerNodeRequest(
  config: ResolvedConfig,
  req: NodeRequest,
  res: ServerResponse,
  pass: () => void,
  onError: (error: unknown) => void,
): void {
  const respond = (outcome: Outcome): void => {
    if (outcome.kind === 'pass') pass();
    else writeAnswer(req, res, outcome.answer);
  };
  const outcome = receive(config, {
    method: req.method,
    url: req.url ?? '/',
    readBody: (limit, timeout) => readNodeBody(req, limit, timeout),
  });
  if (outcome instanceof Promise) {
    outcome.then(respond).catch(onError);
    return;
  }
  try {
    respond(outcome);
  } catch (error) {
    onError(error);
  }
}
