import { z } from 'zod';
import { describeZodError } from './zod';

describe('describeZodError', () => {
  it('names every rejected field with its message', () => {
    const schema = z.object({
      from: z.string().datetime(),
      limit: z.number().int().max(100),
    });
    const result = schema.safeParse({ from: 'yesterday', limit: 1000 });
    expect(result.success).toBe(false);
    const message = describeZodError(result.error!, 'query');
    expect(message).toMatch(/^query\.from: .+; query\.limit: .+100/);
  });

  it('works without a prefix and for top-level problems', () => {
    const result = z.string().safeParse(3);
    expect(describeZodError(result.error!)).toMatch(/expected string/i);
  });
});
