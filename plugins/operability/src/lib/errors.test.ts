import { ResponseError } from '@backstage/errors';
import { errorMessage } from './errors';

describe('errorMessage', () => {
  it("tells the backend's message of a failed request", async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'ConflictError', message: 'name already used' },
        request: { method: 'POST', url: '/x' },
        response: { statusCode: 409 },
      }),
      {
        status: 409,
        statusText: 'Conflict',
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response);
    expect(error.message).toBe('Request failed with 409 Conflict');
    expect(errorMessage(error)).toBe('name already used');
  });

  it('falls back to the message of other errors', () => {
    expect(errorMessage(new Error('offline'))).toBe('offline');
    expect(errorMessage('plain')).toBe('plain');
  });
});
