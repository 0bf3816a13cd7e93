// Answers what Node's HTTP parser refuses before any route sees it (a URL or headers too large, a
// body cut short by a half-closed connection, garbage) in MLflow's envelope, instead of Node's bare
// "400 Bad Request". The connection then closes lingering (lingering-close.ts), so the client
// reads the answer rather than a reset.
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logging.js';
import { errorBody } from '../errors.js';
import { lingerAndClose } from './lingering-close.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
};

type ParserError = Error & { code?: string; rawPacket?: Buffer };

function describe(err: ParserError): [number, string] {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW': {
      // Node counts the request line with the headers; a line with no end in sight is the URL.
      const firstLineEnd = err.rawPacket?.indexOf('\r\n') ?? -1;
      return firstLineEnd < 0 || firstLineEnd > 8192
        ? [414, 'The request URL is too long.']
        : [431, 'The request headers are too large.'];
    }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT' as string:
      return [408, 'The request did not arrive in time.'];
    case 'HPE_INVALID_EOF_STATE':
      return [400, 'The connection was closed before the request was complete.'];
    default:
      return [400, `Malformed HTTP request (${err.code ?? err.message}).`];
  }
}

export function answerClientError(logger: Logger) {
  const answered = new WeakSet<Duplex>();
  return (err: ParserError, socket: Duplex): void => {
    if (answered.has(socket)) return;
    answered.add(socket);
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const [status, message] = describe(err);
    logger.warn({ code: err.code, status }, `refused a malformed request: ${message}`);
    const body = JSON.stringify(errorBody('BAD_REQUEST', message));
    const answer =
      `HTTP/1.1 ${status} ${REASONS[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body;
    if (err.code === 'HPE_INVALID_EOF_STATE') {
      // The client has finished sending (it half-closed): nothing to linger for. Closing once
      // the answer is out ends the cut request at once, and with it its upload's file.
      socket.on('error', () => undefined);
      socket.end(answer, () => socket.destroy());
      return;
    }
    socket.write(answer);
    lingerAndClose(socket);
  };
}
