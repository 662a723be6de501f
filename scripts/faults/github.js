// @ts-check
'use strict';

/*
 * A stand-in for GitHub: the issues the harness "creates", changed as a person would
 * (opened, assigned, closed; `updated_at` is the real time of each change, as on GitHub),
 * the `issues` webhook payload of each change, and the REST API the reconciliation reads
 * (`GET /repos/{owner}/{repo}/issues` sorted by update with `since` and `Link` pages, and
 * `GET /repos/{owner}/{repo}/issues/{number}/events`). Payloads are the documented shapes
 * of the module's fixtures with the fields of each issue filled in.
 */

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const FIXTURES = path.resolve(
  __dirname,
  '../../plugins/operability-backend-module-github/src/__fixtures__',
);
const fixture = (/** @type {string} */ name) =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

const WEBHOOK_TEMPLATES = {
  opened: fixture('issues.opened.json'),
  assigned: fixture('issues.assigned.json'),
  closed: fixture('issues.closed.json'),
};
const REST_ISSUE_TEMPLATE = fixture('rest/issues.page1.json')[0];
const REST_EVENT_TEMPLATE = fixture('rest/issue-1004-events.json').find(
  (/** @type {{event: string}} */ e) => e.event === 'assigned',
);

/** GitHub's timestamps: whole seconds, `Z`. */
const githubTime = (/** @type {number} */ ms) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * @typedef {{
 *   repository: string; number: number; title: string; body: string;
 *   state: 'open' | 'closed'; assignees: string[]; createdAt: number; updatedAt: number;
 *   closedAt?: number; assignedAt?: number;
 * }} Issue
 */

class FakeGithub {
  constructor() {
    /** @type {Map<string, Issue>} `owner/repo#number` */
    this.issues = new Map();
    /** @type {Map<string, number>} */
    this.lastNumber = new Map();
    this.requests = 0;
    /** @type {http.Server | undefined} */
    this.server = undefined;
    this.baseUrl = '';
  }

  /** Opens an issue with the incident label; returns it. @param {string} repository */
  open(repository, title = 'Service degraded') {
    const number = (this.lastNumber.get(repository) ?? 1000) + 1;
    this.lastNumber.set(repository, number);
    const now = Date.now();
    /** @type {Issue} */
    const issue = {
      repository,
      number,
      title: `${title} (#${number})`,
      body: `Users are affected.\n\nRunbook: https://runbooks.example.org/${repository}\n`,
      state: 'open',
      assignees: [],
      createdAt: now,
      updatedAt: now,
    };
    this.issues.set(`${repository}#${number}`, issue);
    return issue;
  }

  /** @param {Issue} issue */
  assign(issue, login = 'first-responder') {
    const now = Date.now();
    issue.assignees = [login];
    issue.assignedAt ??= now;
    issue.updatedAt = now;
  }

  /** @param {Issue} issue */
  close(issue) {
    const now = Date.now();
    issue.state = 'closed';
    issue.closedAt = now;
    issue.updatedAt = now;
  }

  /** The issue as the REST API and webhooks show it. @param {Issue} issue */
  restIssue(issue) {
    const [owner, name] = issue.repository.split('/');
    const api = `https://api.github.com/repos/${issue.repository}/issues/${issue.number}`;
    const assignees = issue.assignees.map(login => ({
      ...REST_ISSUE_TEMPLATE.user,
      login,
    }));
    return {
      ...REST_ISSUE_TEMPLATE,
      url: api,
      repository_url: `https://api.github.com/repos/${owner}/${name}`,
      labels_url: `${api}/labels{/name}`,
      comments_url: `${api}/comments`,
      events_url: `${api}/events`,
      html_url: `https://github.com/${issue.repository}/issues/${issue.number}`,
      id: 1_600_000_000 + issue.number,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      labels: [{ ...REST_ISSUE_TEMPLATE.labels[0], name: 'incident' }],
      state: issue.state,
      state_reason: issue.state === 'closed' ? 'completed' : null,
      assignee: assignees[0] ?? null,
      assignees,
      created_at: githubTime(issue.createdAt),
      updated_at: githubTime(issue.updatedAt),
      closed_at:
        issue.closedAt === undefined ? null : githubTime(issue.closedAt),
    };
  }

  /**
   * The `issues` webhook payload GitHub sends for a change, as of now.
   * @param {'opened' | 'assigned' | 'closed'} action
   * @param {Issue} issue
   */
  webhookPayload(action, issue) {
    const template = WEBHOOK_TEMPLATES[action];
    const [owner, name] = issue.repository.split('/');
    return {
      ...template,
      action,
      issue: this.restIssue(issue),
      ...(action === 'assigned'
        ? { assignee: { ...template.assignee, login: issue.assignees[0] } }
        : {}),
      repository: {
        ...template.repository,
        name,
        full_name: issue.repository,
        html_url: `https://github.com/${issue.repository}`,
        owner: { ...template.repository.owner, login: owner },
      },
    };
  }

  /** What the stored incident of an issue must be once reconciled. @param {Issue} issue */
  expectedIncident(issue) {
    const second = (/** @type {number} */ ms) => Math.floor(ms / 1000) * 1000;
    let status = 'open';
    if (issue.assignees.length) status = 'acknowledged';
    if (issue.state === 'closed') status = 'resolved';
    return {
      status,
      startedAt: second(issue.createdAt),
      acknowledgedAt:
        issue.assignedAt === undefined ? undefined : second(issue.assignedAt),
      resolvedAt:
        issue.closedAt === undefined ? undefined : second(issue.closedAt),
    };
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  handle(req, res) {
    this.requests++;
    const url = new URL(req.url ?? '/', this.baseUrl);
    const send = (
      /** @type {number} */ status,
      /** @type {unknown} */ body,
      headers = {},
    ) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const list = /^\/repos\/([^/]+\/[^/]+)\/issues$/.exec(url.pathname);
    if (list) {
      const repository = list[1].toLowerCase();
      const since = Date.parse(url.searchParams.get('since') ?? '1970-01-01');
      const perPage = Math.min(
        Number(url.searchParams.get('per_page')) || 30,
        100,
      );
      const page = Number(url.searchParams.get('page')) || 1;
      const matching = [...this.issues.values()]
        .filter(
          i =>
            i.repository === repository &&
            Math.floor(i.updatedAt / 1000) * 1000 >= since,
        )
        .sort((a, b) => a.updatedAt - b.updatedAt || a.number - b.number);
      const items = matching.slice((page - 1) * perPage, page * perPage);
      const headers = {};
      if (page * perPage < matching.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        headers.Link = `<${next}>; rel="next"`;
      }
      return send(
        200,
        items.map(i => this.restIssue(i)),
        headers,
      );
    }
    const events = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/events$/.exec(
      url.pathname,
    );
    if (events) {
      const issue = this.issues.get(`${events[1].toLowerCase()}#${events[2]}`);
      if (!issue) return send(404, { message: 'Not Found' });
      return send(
        200,
        issue.assignedAt === undefined
          ? []
          : [
              {
                ...REST_EVENT_TEMPLATE,
                created_at: githubTime(issue.assignedAt),
              },
            ],
      );
    }
    return send(404, { message: 'Not Found' });
  }

  /** Serves the REST API on a loopback port. */
  async start() {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise(resolve =>
      this.server?.listen(0, '127.0.0.1', () => resolve(undefined)),
    );
    const address = /** @type {import('node:net').AddressInfo} */ (
      this.server.address()
    );
    this.baseUrl = `http://127.0.0.1:${address.port}`;
    return this.baseUrl;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise(resolve => this.server?.close(() => resolve(undefined)));
  }
}

module.exports = { FakeGithub, githubTime };
