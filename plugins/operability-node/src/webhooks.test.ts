import { InputError } from '@backstage/errors';
import { z } from 'zod';
import {
  headerValue,
  hmacSha256Hex,
  parseInstant,
  parseWebhookPayload,
  secretsEqual,
} from './webhooks';

describe('webhook helpers', () => {
  it("computes GitHub's published X-Hub-Signature-256 test vector", () => {
    expect(
      `sha256=${hmacSha256Hex("It's a Secret to Everybody", 'Hello, World!')}`,
    ).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });

  it('compares secrets of any length without throwing', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abd')).toBe(false);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('', 'x')).toBe(false);
  });

  it('reads the first value of a header, case-insensitively', () => {
    expect(headerValue({ 'x-a': ' v ' }, 'X-A')).toBe('v');
    expect(headerValue({ 'x-a': ['one', 'two'] }, 'x-a')).toBe('one');
    expect(headerValue({ 'x-a': '  ' }, 'x-a')).toBeUndefined();
    expect(headerValue({}, 'x-a')).toBeUndefined();
  });

  it('parses JSON payloads and refuses anything else with an InputError that says why', () => {
    const schema = z.object({ version: z.literal('4') });
    expect(parseWebhookPayload(schema, Buffer.from('{"version":"4"}'))).toEqual(
      { version: '4' },
    );
    const notJson = () => parseWebhookPayload(schema, Buffer.from('{'));
    expect(notJson).toThrow(InputError);
    expect(notJson).toThrow('Invalid payload: the body must be UTF-8 JSON');
    expect(() =>
      parseWebhookPayload(schema, Buffer.from([0x7b, 0xff, 0x7d])),
    ).toThrow('UTF-8 JSON');
    expect(() =>
      parseWebhookPayload(schema, Buffer.from('{"version":"3"}')),
    ).toThrow(/^Invalid payload: body\.version: /);
  });

  it('parses ISO 8601 instants and nothing else', () => {
    expect(parseInstant('2026-11-25T12:00:00Z')).toBe(
      Date.UTC(2026, 10, 25, 12),
    );
    expect(parseInstant('soon')).toBeUndefined();
    expect(parseInstant(null)).toBeUndefined();
  });
});
