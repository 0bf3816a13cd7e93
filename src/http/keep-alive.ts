// Idle keep-alive connections: how long they stay open, and closing them without resetting a
// request that has just arrived on one.
//
// Node closes a connection idle for keepAliveTimeout (+ 1 s) from a timer. When the event loop is
// busy at that moment, a request the client sent just before may already sit unread in the
// socket: the timer runs first, the socket is destroyed with unread input, and the client gets a
// reset instead of an answer (the official client's artifact downloads failed so in CI). Here the
// close waits until input already received has been read; a connection on which input arrived
// stays open and its request is served.
import type http from 'node:http';
import type { Socket } from 'node:net';

/**
 * Keeps idle connections `seconds` (a load balancer in front must close them first: its idle
 * timeout shorter than this), and closes a timed-out socket as Node would, except as said above.
 */
export function keepIdleConnections(server: http.Server, seconds: number): void {
  server.keepAliveTimeout = seconds * 1000;
  // With a 'timeout' listener, Node leaves closing timed-out sockets to it.
  server.on('timeout', (socket: Socket) => {
    const readBefore = socket.bytesRead;
    // Timers run before I/O in an event-loop turn; setImmediate runs after it, once what has
    // arrived on the socket has been read. Input that arrived keeps the connection: a request
    // begun on it re-arms Node's timers, and the socket's inactivity timer restarts anyway.
    setImmediate(() => {
      if (socket.bytesRead === readBefore) socket.destroy();
    });
  });
}
