/*
 * The SLI store keeps the buckets of one SLO and resolution in chunks: one row holds the
 * buckets of an aligned span (an hour of minutes, a day of hours) packed into one binary
 * column, with the running totals before the chunk and the chunk's own totals beside it.
 * This file is the layout of a chunk and its binary encoding; SliStore.ts does the queries.
 *
 * Encoding (version 1), all integers little-endian:
 *
 *   byte 0        1: counts are unsigned LEB128 varints (every count a whole number below
 *                 2^53, the usual case); 2: counts are float64
 *   bytes 1-2     slots per chunk (uint16), checked against the configured resolutions
 *   then          presence bitmap, one bit per slot (ceil(slots / 8) bytes): the bucket is
 *                 stored (a stored bucket may hold 0 of 0 events)
 *   then          sealed bitmap, same size: roll-up buckets whose finer buckets were
 *                 expired (writes into them are refused)
 *   then          good and total of each present slot, in slot order
 *
 * An hour of minutes with counts below 16,384 takes 19 + 60 x 4 = 259 bytes.
 */

import type { SliLevel } from './SliStore';

const VARINT = 1;
const FLOAT64 = 2;

/** Most slots in one chunk (a day of minutes). */
export const MAX_SLOTS_PER_CHUNK = 1440;

/** The buckets of one chunk, slot by slot. */
export interface ChunkSlots {
  slots: number;
  good: Float64Array;
  total: Float64Array;
  present: Uint8Array;
  sealed: Uint8Array;
}

/** How a resolution is cut into chunks. */
export interface ChunkLayout extends SliLevel {
  /** Buckets per chunk. */
  slots: number;
  /** Width of a chunk: slots x widthMs. */
  spanMs: number;
}

/**
 * Chunks of each resolution: as wide as a bucket of the next roll-up (so that retention,
 * which expires whole buckets of the next roll-up, expires whole chunks), at most
 * MAX_SLOTS_PER_CHUNK buckets; the coarsest resolution keeps one bucket a chunk.
 */
export function chunkLayouts(levels: readonly SliLevel[]): ChunkLayout[] {
  return levels.map((level, i) => {
    const next = levels[i + 1];
    let slots = 1;
    if (next) {
      const ratio = next.widthMs / level.widthMs;
      for (let d = Math.min(ratio, MAX_SLOTS_PER_CHUNK); d >= 1; d--) {
        if (ratio % d === 0) {
          slots = d;
          break;
        }
      }
    }
    return { ...level, slots, spanMs: slots * level.widthMs };
  });
}

export function emptyChunk(slots: number): ChunkSlots {
  return {
    slots,
    good: new Float64Array(slots),
    total: new Float64Array(slots),
    present: new Uint8Array(slots),
    sealed: new Uint8Array(slots),
  };
}

const isWhole = (v: number) =>
  Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER;

function varintLength(value: number): number {
  let n = 1;
  for (let v = value; v >= 128; v = Math.floor(v / 128)) n++;
  return n;
}

/** Encodes a chunk (version 1). */
export function encodeChunk(chunk: ChunkSlots): Buffer {
  const { slots } = chunk;
  const bitmapBytes = Math.ceil(slots / 8);
  let whole = true;
  let countBytes = 0;
  for (let s = 0; s < slots; s++) {
    if (!chunk.present[s]) continue;
    const g = chunk.good[s];
    const t = chunk.total[s];
    if (whole && isWhole(g) && isWhole(t)) {
      countBytes += varintLength(g) + varintLength(t);
    } else {
      whole = false;
    }
  }
  let present = 0;
  for (let s = 0; s < slots; s++) present += chunk.present[s];
  if (!whole) countBytes = present * 16;
  const buffer = Buffer.alloc(3 + 2 * bitmapBytes + countBytes);
  buffer[0] = whole ? VARINT : FLOAT64;
  buffer.writeUInt16LE(slots, 1);
  for (let s = 0; s < slots; s++) {
    const bit = 1 << (s & 7);
    if (chunk.present[s]) buffer[3 + (s >> 3)] |= bit;
    if (chunk.sealed[s]) buffer[3 + bitmapBytes + (s >> 3)] |= bit;
  }
  let offset = 3 + 2 * bitmapBytes;
  const writeVarint = (value: number) => {
    let v = value;
    while (v >= 128) {
      buffer[offset++] = v % 128 | 128;
      v = Math.floor(v / 128);
    }
    buffer[offset++] = v;
  };
  for (let s = 0; s < slots; s++) {
    if (!chunk.present[s]) continue;
    if (whole) {
      writeVarint(chunk.good[s]);
      writeVarint(chunk.total[s]);
    } else {
      buffer.writeDoubleLE(chunk.good[s], offset);
      buffer.writeDoubleLE(chunk.total[s], offset + 8);
      offset += 16;
    }
  }
  return buffer;
}

/** Decodes a chunk; throws when it is not a version 1 chunk of `slots` buckets. */
export function decodeChunk(data: Uint8Array, slots: number): ChunkSlots {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const format = buffer[0];
  const stored = buffer.length >= 3 ? buffer.readUInt16LE(1) : -1;
  if ((format !== VARINT && format !== FLOAT64) || stored !== slots) {
    throw new Error(
      `An SLI chunk holds ${stored} buckets in format ${format}, but the configured resolutions give ${slots} buckets a chunk; ` +
        `the roll-up widths (operability.sli) cannot change while SLI data is stored`,
    );
  }
  const chunk = emptyChunk(slots);
  const bitmapBytes = Math.ceil(slots / 8);
  let offset = 3 + 2 * bitmapBytes;
  const readVarint = () => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = buffer[offset++];
      value += (byte & 127) * scale;
      if (byte < 128) return value;
      scale *= 128;
    }
  };
  for (let s = 0; s < slots; s++) {
    const bit = 1 << (s & 7);
    chunk.sealed[s] = buffer[3 + bitmapBytes + (s >> 3)] & bit ? 1 : 0;
    if (!(buffer[3 + (s >> 3)] & bit)) continue;
    chunk.present[s] = 1;
    if (format === VARINT) {
      chunk.good[s] = readVarint();
      chunk.total[s] = readVarint();
    } else {
      chunk.good[s] = buffer.readDoubleLE(offset);
      chunk.total[s] = buffer.readDoubleLE(offset + 8);
      offset += 16;
    }
  }
  return chunk;
}

/** Good and total of the present slots before `slot`, summed in slot order. */
export function prefixCounts(
  chunk: ChunkSlots,
  slot: number,
): { good: number; total: number } {
  let good = 0;
  let total = 0;
  for (let s = 0; s < slot && s < chunk.slots; s++) {
    if (chunk.present[s]) {
      good += chunk.good[s];
      total += chunk.total[s];
    }
  }
  return { good, total };
}

/** How many slots are present. */
export function presentCount(chunk: ChunkSlots): number {
  let n = 0;
  for (let s = 0; s < chunk.slots; s++) n += chunk.present[s];
  return n;
}
