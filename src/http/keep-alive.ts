// Idle keep-alive connections: how long they stay open, and closing them without resetting a
// request that has just arrived on one.
//
// Node closes a connection idle for keepAliveTimeout (+ 1 s) from a timer. When the event loop is
// busy at that moment, a request the client sent just before may already sit unread in the
// socket: the timer runs first, the socket is destroyed with unread input, and the client gets a
// reset instead of an answer (the official client's artifact downloads failed so in CI). Here the
// close waits until input already received has been read; a connection whose request has started
// by then stays open and is served.
import type http from 'node:http';
import type { Socket } from 'node:net';

/** Requests begun and not yet ended, per connection. */
type Running = WeakMap<Socket, number>;

function countRequests(server: http.Server): Running {
  const running: Running = new WeakMap();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    running.set(socket, (running.get(socket) ?? 0) + 1);
    res.once('close', () => running.set(socket, (running.get(socket) ?? 1) - 1));
  });
  return running;
}

/**
 * Keeps idle connections `seconds` (a load balancer in front must close them first: its idle
 * timeout shorter than this), and answers a socket timeout as Node would, except as said above.
 */
export function keepIdleConnections(server: http.Server, seconds: number): void {
  server.keepAliveTimeout = seconds * 1000;
  const running = countRequests(server);
  // With a 'timeout' listener, Node leaves closing timed-out sockets to it.
  server.on('timeout', (socket: Socket) => {
    if (running.get(socket)) {
      // A request stalled for server.timeout: cut, as Node does.
      socket.destroy();
      return;
    }
    // Timers run before I/O in an event-loop turn; setImmediate runs after it, once what has
    // arrived on the socket has been read (and any request on it begun).
    setImmediate(() => {
      if (!running.get(socket)) socket.destroy();
    });
  });
}
