'use strict';

/*
 * CPU profiles of the backend, one per measured phase (`yarn bench --profile`): the backend
 * starts with --inspect on a loopback port and the benchmark drives V8's profiler over the
 * inspector protocol (Node's own WebSocket client). Each profile is a .cpuprofile file that
 * Chromium's DevTools open; `summarize` prints where the time went.
 */

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

function getJson(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, res => {
        let text = '';
        res.on('data', chunk => (text += chunk));
        res.on('end', () => {
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(error);
          }
        });
      })
      .on('error', reject);
  });
}

/** Connects to the inspector of a process started with --inspect=127.0.0.1:<port>. */
async function connectProfiler(inspectPort) {
  const [target] = await getJson(`http://127.0.0.1:${inspectPort}/json/list`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let nextId = 1;
  const pending = new Map();
  socket.addEventListener('message', event => {
    const message = JSON.parse(event.data);
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 200 });
  return {
    /** Profiles `fn`; writes `<dir>/<name>.cpuprofile`; returns fn's result. */
    async around(dir, name, fn) {
      await send('Profiler.start');
      try {
        return await fn();
      } finally {
        const { profile } = await send('Profiler.stop');
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `${name}.cpuprofile`);
        fs.writeFileSync(file, JSON.stringify(profile));
        summaries.set(file, summarize(profile));
      }
    },
    close: () => socket.close(),
  };
}

const summaries = new Map();

/** Self time by package (node_modules) or source file, largest first. */
function summarize(profile, top = 15) {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const times = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const { url, functionName } = byId.get(id).callFrame;
    let key;
    if (!url) key = functionName || '(native)';
    else if (url.includes('node_modules/')) {
      const parts = url.split('node_modules/').pop().split('/');
      key = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    } else if (url.startsWith('node:')) key = url;
    else key = url.split('/').slice(-3).join('/');
    times.set(key, (times.get(key) ?? 0) + dt);
  });
  return [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, t]) => ({
      what: key,
      ms: Math.round(t / 1000),
      share: t / total,
    }));
}

module.exports = { connectProfiler, summaries, summarize };
