/*
 * A jest reporter that prints, after the run, how many store tests ran on each database:
 * test titles carry the TestDatabases id (e.g. "KnexSloStore on POSTGRES_15").
 */
'use strict';

const DATABASE_ID = /\b(SQLITE_3|POSTGRES_\d+|MYSQL_\d+)\b/;

class DatabaseSummaryReporter {
  onRunComplete(_contexts, results) {
    const counts = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        const match = test.fullName.match(DATABASE_ID);
        if (!match) continue;
        const entry = counts.get(match[1]) ?? {
          passed: 0,
          failed: 0,
          skipped: 0,
        };
        if (test.status === 'passed') entry.passed += 1;
        else if (test.status === 'failed') entry.failed += 1;
        else entry.skipped += 1;
        counts.set(match[1], entry);
      }
    }
    if (counts.size === 0) return;
    const lines = [...counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([id, c]) =>
          `  ${id.padEnd(12)} ${c.passed} passed` +
          (c.failed ? `, ${c.failed} failed` : '') +
          (c.skipped ? `, ${c.skipped} skipped` : ''),
      );
    process.stderr.write(`\nStore tests by database:\n${lines.join('\n')}\n`);
  }
}

module.exports = DatabaseSummaryReporter;
