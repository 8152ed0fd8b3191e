import type { ServerResponse } from 'node:http';
import { answerHeaders } from './answer.js';
import { announcesBody, type NodeRequest } from './intake.js';

/**
 * Writes a protocol answer on a Node response: HTTP 200 with JSON for every callback, since the
 * Chat backend counts any other status or a non-JSON body as a failed delivery.
 */
export function writeAnswer(req: NodeRequest, res: ServerResponse, answer: string, status = 200): void {
  if (res.headersSent) return;
  // A body still unread here belongs to a refused request (unauthenticated, or over the limit):
  // closing the connection stops it, where Node would otherwise read and discard all of it.
  if (!req.readableEnded && announcesBody(req)) res.setHeader('Connection', 'close');
  res.writeHead(status, answerHeaders(answer));
  res.end(answer);
}
