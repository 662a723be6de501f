import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Node's parser errors that mean "headers too large". */
const HEADER_OVERFLOW = new Set(['HPE_HEADER_OVERFLOW']);

/**
 * The answer to a request Node's HTTP parser refused before any route saw it (headers over
 * the size limit, a malformed request line): the same `{"error":{"name","message"}}` shape
 * as every other error, instead of Node's empty 400 or 431.
 */
export function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Duplex,
): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = HEADER_OVERFLOW.has(error.code ?? '') ? 431 : 400;
  const body = JSON.stringify({
    error: {
      name:
        status === 431 ? 'RequestHeaderFieldsTooLargeError' : 'BadRequestError',
      message:
        status === 431
          ? 'The request headers are too large; send fewer or shorter headers (cookies included)'
          : 'The request could not be parsed as HTTP',
    },
  });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ].join('\r\n');
  socket.end(`${head}\r\n\r\n${body}`);
}

/** Backstage's root HTTP router, answering refused requests in the API's error shape. */
export const rootHttpRouterWithClientErrors = rootHttpRouterServiceFactory({
  configure({ server, applyDefaults }) {
    server.on('clientError', answerClientError);
    applyDefaults();
  },
});
