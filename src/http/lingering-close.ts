// Closing a connection whose client is still sending: the socket is half-closed after the answer
// and what still arrives is read and dropped for a moment before the socket goes. Closing with
// unread input at once sends a reset, and a reset can make the client's system drop the answer
// before the client reads it: the client then sees "connection reset" or "broken pipe" instead
// of the error it should act on (nginx calls this a lingering close).
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Request, Response } from 'express';

const LINGER_MS = 2000;

/** Ends the socket after what is queued on it, drops further input, destroys it soon after. */
export function lingerAndClose(socket: Duplex): void {
  socket.on('error', () => undefined);
  socket.end();
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

/**
 * For an answer sent before its request's body has arrived (a refused or failed upload): the
 * connection closes after the answer, lingering as above. Keeping it open would mean reading the
 * rest of a body of any size for nothing.
 */
export function closeLingeringAfter(req: Request, res: Response): void {
  if (req.complete) return;
  res.setHeader('Connection', 'close');
  const socket = req.socket as Socket;
  // Node closes a `Connection: close` socket through destroySoon once the answer is written.
  socket.destroySoon = () => lingerAndClose(socket);
}
