import { parseSloYaml } from '@airworthy/plugin-operability-common';
import fs from 'node:fs';
import path from 'node:path';
import { DemoSliSource } from './DemoSliSource';
import { TIME } from '@airworthy/plugin-operability-common';

const anchor = Date.UTC(2026, 10, 25, 9);
const slos = parseSloYaml(
  fs.readFileSync(
    path.resolve(__dirname, '../../../examples/slos/grafana.yaml'),
    'utf8',
  ),
  'grafana.yaml',
).slos;

describe('DemoSliSource', () => {
  const source = new DemoSliSource({
    anchor,
    minuteHistoryMs: 2 * TIME.DAY,
    now: () => anchor,
  });

  it('supports the demo SLOs only', () => {
    expect(source.supports(slos[0])).toBe(true);
    expect(source.supports({ ...slos[0], name: 'checkout-availability' })).toBe(
      false,
    );
  });

  it('yields the requested range in day chunks: hourly totals before the minute history', async () => {
    const chunks = [];
    for await (const chunk of source.collect({
      target: { id: 'x', entityRef: 'component:default/grafana', slo: slos[0] },
      from: anchor - 3 * TIME.DAY,
      to: anchor,
      bucketMs: TIME.MINUTE,
    })) {
      chunks.push(chunk);
    }
    expect(chunks.map(c => [c.from, c.to])).toEqual([
      [anchor - 3 * TIME.DAY, anchor - 2 * TIME.DAY],
      [anchor - 2 * TIME.DAY, anchor - TIME.DAY],
      [anchor - TIME.DAY, anchor],
    ]);
    expect(chunks[0].buckets).toHaveLength(24);
    expect(chunks[2].buckets.length).toBeGreaterThan(1400);
    for (const chunk of chunks) {
      expect(
        chunk.buckets.every(b => b.start >= chunk.from && b.start < chunk.to),
      ).toBe(true);
      expect(chunk.buckets.every(b => b.good <= b.total)).toBe(true);
    }
  });
});
