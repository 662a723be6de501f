/**
 * Units of time in milliseconds, the unit every instant and duration of the plugin is kept in.
 * One definition for every package (frontend, backend, modules, CLI).
 *
 * @public
 */
export const TIME = Object.freeze({
  SECOND: 1_000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
  WEEK: 604_800_000,
});
