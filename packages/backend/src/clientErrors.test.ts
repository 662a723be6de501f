import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { answerClientError } from './clientErrors';

/** Sends raw bytes to the server and resolves with everything it answers. */
function rawRequest(server: Server, text: string): Promise<string> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

describe('answerClientError', () => {
  let server: Server;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('routed'));
    server.on('clientError', answerClientError);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  it('answers oversized headers with 431 and a JSON error, before any route', async () => {
    const answer = await rawRequest(
      server,
      `GET /api/operability/health HTTP/1.1\r\nHost: x\r\nX-Padding: ${'x'.repeat(
        40_000,
      )}\r\n\r\n`,
    );
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large/);
    expect(head).toMatch(/Content-Type: application\/json/);
    expect(JSON.parse(body)).toEqual({
      error: {
        name: 'RequestHeaderFieldsTooLargeError',
        message: expect.stringMatching(/headers are too large/),
      },
    });
  });

  it('answers a request that is not HTTP with 400 and a JSON error', async () => {
    const answer = await rawRequest(server, 'HELLO\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(JSON.parse(answer.split('\r\n\r\n')[1]).error.name).toBe(
      'BadRequestError',
    );
  });
});
