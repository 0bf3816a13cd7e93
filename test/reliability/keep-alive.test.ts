// Idle keep-alive connections (src/http/keep-alive.ts). Clients keep connections in a pool and
// send on one without knowing the server is about to close it: the official client's artifact
// download got "connection reset by peer" when its request reached a connection whose idle time
// ran out while the server was busy. These tests hold the real server still (SIGSTOP) across the
// expiry to make that moment happen every time, and check what a pooled client relies on.
import fs from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep, within } from './support/polling.js';
import { startServer, type ServerProcess } from './support/server-process.js';

const OK = /^HTTP\/1\.1 200 OK\r\n/;

let server: ServerProcess | undefined;

afterEach(async () => {
  server?.signal('SIGCONT');
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  server = undefined;
});

/** One raw keep-alive connection sending `GET /health` and reading the head of each answer. */
class Connection {
  private readonly socket: net.Socket;
  private received = '';
  private waiting?: { resolve: (status: string) => void; reject: (err: Error) => void };
  /** Settles when the server has closed the connection, with how (an error code or 'end'). */
  readonly closed: Promise<string>;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => {
      this.received += chunk;
      // /health answers "OK" with a Content-Length: an answer is complete once its body is in.
      const end = this.received.indexOf('\r\n\r\nOK');
      if (end >= 0 && this.waiting) {
        const head = this.received.slice(0, end);
        this.received = this.received.slice(end + 6);
        this.waiting.resolve(head);
        this.waiting = undefined;
      }
    });
    this.closed = new Promise((resolve) => {
      this.socket.on('error', (err: NodeJS.ErrnoException) => {
        this.waiting?.reject(err);
        resolve(err.code ?? err.message);
      });
      this.socket.on('end', () => {
        this.waiting?.reject(new Error('closed without an answer'));
        resolve('end');
      });
    });
  }

  /** Sends the request; the promise is its answer's head, or the connection's failure. */
  send(): Promise<string> {
    const answer = new Promise<string>((resolve, reject) => (this.waiting = { resolve, reject }));
    this.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    return answer;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

describe('idle keep-alive connections', () => {
  it('answers a request that arrives as the idle time runs out while the server is busy', async () => {
    server = await startServer({ args: ['--keep-alive-timeout', '1'] });
    const pooled = new Connection(server.port);
    const idle = new Connection(server.port);
    expect(await pooled.send()).toMatch(OK);
    expect(await idle.send()).toMatch(OK);

    // Node closes an idle connection 1 s after the keep-alive timeout: at about 2 s here. The
    // server is held still from 1.4 s to 2.6 s; the request goes out while it is.
    await sleep(1400);
    server.signal('SIGSTOP');
    await sleep(1200);
    const answer = pooled.send();
    server.signal('SIGCONT');

    expect(await answer).toMatch(OK);
    // The idle time did run out during the pause: the connection nothing arrived on is closed
    // as soon as the server runs again.
    expect(await within(idle.closed, 2000, 'still open')).toBe('end');
    pooled.destroy();
  });

  it('keeps an idle connection for 75 s by default, and says so', async () => {
    server = await startServer();
    const pooled = new Connection(server.port);
    const head = await pooled.send();
    expect(head).toMatch(OK);
    expect(head).toMatch(/\r\nKeep-Alive: timeout=75(\r\n|$)/i);
    // Node's own default closes it after 6 s (5 + 1), MLflow's server after 5.
    await sleep(7000);
    expect(await pooled.send()).toMatch(OK);
    pooled.destroy();
  });
});
