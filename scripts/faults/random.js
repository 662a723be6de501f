// @ts-check
'use strict';

/**
 * A seeded pseudo-random generator (mulberry32), so that a run's workload can be replayed
 * with `--seed`.
 * @param {number} seed
 */
function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** @param {number} n a whole number in [0, n) */
    int: n => Math.floor(next() * n),
    /** @param {number} p true with probability p */
    chance: p => next() < p,
    /** @template T @param {T[]} items */
    pick: items => items[Math.floor(next() * items.length)],
    /** Hex digits, for fingerprints and ids. @param {number} length */
    hex: length =>
      Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join(
        '',
      ),
    /** Shuffles in place (Fisher-Yates). @template T @param {T[]} items */
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
  };
}

module.exports = { createRandom };
