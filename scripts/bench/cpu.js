'use strict';

/*
 * CPU time of the processes under test, read from /proc: the backend, the database server's
 * processes (PostgreSQL forks one per connection) and the benchmark's own client. On a
 * machine shared with other work, wall times stretch with the contention; the CPU seconds a
 * phase cost do not, so both are recorded.
 */

const fs = require('node:fs');

const TICKS = 100; // USER_HZ on Linux

/**
 * utime + stime of a process in seconds, with cutime + cstime (its children that exited
 * and were reaped: PostgreSQL's backends once their connection closes), or 0 when it is gone.
 */
function processSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (
      (Number(fields[11]) +
        Number(fields[12]) +
        Number(fields[13]) +
        Number(fields[14])) /
      TICKS
    );
  } catch {
    return 0;
  }
}

/** The pids of a process and all its descendants. */
function processTree(rootPid) {
  const children = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const pids = [];
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.pop();
    pids.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return pids;
}

/**
 * A meter of CPU seconds per process group: `groups` maps a name to a function giving the
 * root pid (the group is it and its descendants), read at each sample. A process that exits
 * during a phase passes its time on to its parent once reaped (the postmaster reaps
 * PostgreSQL's backends), so closed connections still count.
 */
function createCpuMeter(groups) {
  const sample = () => {
    const result = {};
    for (const [name, rootPid] of Object.entries(groups)) {
      const pid = rootPid();
      if (!pid) continue;
      const pids = name === 'client' ? [pid] : processTree(pid);
      result[name] = pids.reduce((sum, p) => sum + processSeconds(p), 0);
    }
    return result;
  };
  return {
    /** Runs fn; returns its result and the CPU seconds of each group meanwhile. */
    async around(fn) {
      const before = sample();
      const value = await fn();
      const after = sample();
      const cpu = {};
      for (const name of Object.keys(after)) {
        // Not below 0: a process that exited meanwhile took its seconds with it.
        const seconds = (after[name] ?? 0) - (before[name] ?? 0);
        cpu[name] = Math.max(0, Math.round(seconds * 100) / 100);
      }
      return { value, cpu };
    },
  };
}

module.exports = { createCpuMeter };
