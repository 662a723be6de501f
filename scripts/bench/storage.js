'use strict';

/*
 * Bytes the SLI store takes on disk: the sli_chunks table with its indexes, read from the
 * database itself (PostgreSQL's relation sizes, SQLite's dbstat pages).
 */

const path = require('node:path');
const { ROOT } = require('./backend');

const requireBackend = id =>
  require(require.resolve(id, {
    paths: [path.join(ROOT, 'packages/backend')],
  }));

/** Runs `fn(query)` against the operability plugin's database. */
async function withDatabase(database, fn) {
  if (database.client === 'pg') {
    const { Client } = requireBackend('pg');
    const client = new Client({
      connectionString: `${database.connection}/backstage_plugin_operability`,
    });
    await client.connect();
    try {
      return await fn(
        async (sql, params) => (await client.query(sql, params)).rows,
      );
    } finally {
      await client.end();
    }
  }
  const Database = requireBackend('better-sqlite3');
  const db = new Database(path.join(database.directory, 'operability.sqlite'), {
    fileMustExist: true,
  });
  try {
    return await fn(async (sql, params = []) => db.prepare(sql).all(...params));
  } finally {
    db.close();
  }
}

/** Size in bytes of the SLI store (table and indexes) and its row count. */
async function sliStorage(database) {
  return withDatabase(database, async query => {
    const [{ rows }] = await query('SELECT COUNT(*) AS rows FROM sli_chunks');
    if (database.client === 'pg') {
      const [sizes] = await query(
        `SELECT pg_relation_size('sli_chunks') AS heap,
                pg_indexes_size('sli_chunks') AS indexes,
                pg_total_relation_size('sli_chunks') AS total`,
      );
      return {
        rows: Number(rows),
        heapBytes: Number(sizes.heap),
        indexBytes: Number(sizes.indexes),
        bytes: Number(sizes.total),
      };
    }
    const pages = await query(
      `SELECT d.name AS name, SUM(d.pgsize) AS bytes
         FROM dbstat d JOIN sqlite_schema s ON s.name = d.name
        WHERE s.tbl_name = 'sli_chunks' GROUP BY d.name`,
    );
    const heap = pages
      .filter(p => p.name === 'sli_chunks')
      .reduce((s, p) => s + p.bytes, 0);
    const all = pages.reduce((s, p) => s + p.bytes, 0);
    return {
      rows: Number(rows),
      heapBytes: heap,
      indexBytes: all - heap,
      bytes: all,
    };
  });
}

module.exports = { withDatabase, sliStorage };
