/**
 * Test helpers for modules of the operability plugin.
 *
 * @packageDocumentation
 */

export * from './entities';
export * from './testBackend';
