import fc from 'fast-check';
import { TIME } from '@airworthy/plugin-operability-common';
import {
  chunkLayouts,
  decodeChunk,
  emptyChunk,
  encodeChunk,
  prefixCounts,
  presentCount,
} from './sliChunks';

const { SECOND, MINUTE, HOUR, DAY } = TIME;

describe('chunkLayouts', () => {
  it('makes each chunk one bucket of the next roll-up, the coarsest one bucket', () => {
    const layouts = chunkLayouts([
      { widthMs: MINUTE, retentionMs: 8 * DAY },
      { widthMs: HOUR, retentionMs: 120 * DAY },
      { widthMs: DAY, retentionMs: 400 * DAY },
    ]);
    expect(layouts.map(l => [l.slots, l.spanMs])).toEqual([
      [60, HOUR],
      [24, DAY],
      [1, DAY],
    ]);
  });

  it('keeps at most a day of minutes in a chunk, dividing the next roll-up evenly', () => {
    const layouts = chunkLayouts([
      { widthMs: SECOND, retentionMs: DAY },
      { widthMs: 7 * DAY, retentionMs: 30 * DAY },
    ]);
    // 604,800 seconds a week: the largest divisor up to 1,440 is 1,440 (a 24-minute chunk).
    expect(layouts[0].slots).toBe(1440);
    expect((7 * DAY) % layouts[0].spanMs).toBe(0);
  });
});

describe('chunk encoding', () => {
  it('packs an hour of whole counts in a few bytes per minute', () => {
    const chunk = emptyChunk(60);
    for (let s = 0; s < 60; s++) {
      chunk.present[s] = 1;
      chunk.good[s] = 9_990 + (s % 10);
      chunk.total[s] = 10_000;
    }
    const data = encodeChunk(chunk);
    expect(data.length).toBe(3 + 2 * 8 + 60 * 4);
    expect(decodeChunk(data, 60)).toEqual(chunk);
  });

  it('keeps fractional counts exactly, and tells stored zeros from missing buckets', () => {
    const chunk = emptyChunk(24);
    chunk.present[0] = 1;
    chunk.present[5] = 1;
    chunk.good[5] = 0.1 + 0.2;
    chunk.total[5] = 1 / 3;
    chunk.sealed[3] = 1;
    const decoded = decodeChunk(encodeChunk(chunk), 24);
    expect(decoded).toEqual(chunk);
    expect(presentCount(decoded)).toBe(2);
    expect(prefixCounts(decoded, 5)).toEqual({ good: 0, total: 0 });
    expect(prefixCounts(decoded, 6)).toEqual({ good: 0.1 + 0.2, total: 1 / 3 });
  });

  it('round-trips any chunk', () => {
    const count = fc.oneof(
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      fc.double({ min: 0, max: 1e12, noNaN: true }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }).chain(slots =>
          fc.tuple(
            fc.constant(slots),
            fc.array(fc.tuple(fc.boolean(), fc.boolean(), count, count), {
              minLength: slots,
              maxLength: slots,
            }),
          ),
        ),
        ([slots, cells]) => {
          const chunk = emptyChunk(slots);
          cells.forEach(([present, sealed, good, total], s) => {
            chunk.present[s] = present ? 1 : 0;
            chunk.sealed[s] = sealed ? 1 : 0;
            if (present) {
              chunk.good[s] = Math.min(good, total);
              chunk.total[s] = total;
            }
          });
          expect(decodeChunk(encodeChunk(chunk), slots)).toEqual(chunk);
        },
      ),
    );
  });

  it('refuses a chunk of another layout with a reason', () => {
    const data = encodeChunk(emptyChunk(60));
    expect(() => decodeChunk(data, 24)).toThrow(
      /holds 60 buckets .* cannot change while SLI data is stored/,
    );
  });
});
