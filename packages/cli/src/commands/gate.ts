import {
  DEPLOY_GATE_DECISIONS,
  entityPath,
  toEntityRef,
  type DeployGateResponse,
} from '@airworthy/plugin-operability-common';
import { Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../files';
import type { CommandContext } from './context';

/** Exit codes of `airworthy gate`: the decision, or that the gate could not decide. */
export const GATE_EXIT = {
  allow: 0,
  warn: 1,
  block: 2,
  undecided: 3,
} as const;

interface GateOptions {
  entity: string;
  url: string;
  token?: string;
  allowWarn?: boolean;
  json?: boolean;
  timeout: number;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 600) {
    throw new InvalidArgumentError(
      'must be a whole number of seconds, 1 to 600',
    );
  }
  return seconds;
}

/** The gate could not decide: the message says why and what to check. */
class Undecided extends Error {}

/** The deploy-gate URL of an entity on a backend (or its `/api/operability` base). */
export function gateUrl(base: string, entity: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(
      `--url ${base} is not a URL: give the Backstage backend's, e.g. https://backstage.example.org`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url ${base} must be an http or https URL`);
  }
  let ref: string;
  try {
    ref = toEntityRef(entity, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new UsageError(
      `--entity ${entity} is not an entity ref (${
        (error as Error).message
      }); write kind:namespace/name, e.g. component:default/jupyterhub`,
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  const api = path.endsWith('/api/operability')
    ? path
    : `${path}/api/operability`;
  return `${url.origin}${api}/${entityPath(ref)}/deploy-gate`;
}

async function errorMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    return body?.error?.message ?? text.slice(0, 300);
  } catch {
    return text.slice(0, 300);
  }
}

async function fetchGate(
  url: string,
  token: string | undefined,
  timeoutMs: number,
): Promise<DeployGateResponse> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: {
        Accept: 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } })
      .cause;
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000}s`
        : cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Undecided(`cannot reach ${url}: ${why}`);
  }
  if (res.status === 401 || res.status === 403) {
    throw new Undecided(
      `the server refused the ${
        token ? 'token' : 'request (no --token or AIRWORTHY_TOKEN given)'
      } (${res.status}): ${await errorMessage(
        res,
      )}; use an external-access token allowed operability.gate.read`,
    );
  }
  if (!res.ok) {
    throw new Undecided(
      `the server answered ${res.status}: ${await errorMessage(res)}`,
    );
  }
  let body: DeployGateResponse;
  try {
    body = (await res.json()) as DeployGateResponse;
  } catch {
    throw new Undecided(`the answer of ${url} is not JSON`);
  }
  if (
    !body ||
    !DEPLOY_GATE_DECISIONS.includes(body.decision) ||
    !Array.isArray(body.reasons)
  ) {
    throw new Undecided(
      `the answer of ${url} is not a deploy-gate decision (is --url the Backstage backend?)`,
    );
  }
  return body;
}

function report(body: DeployGateResponse): string {
  const lines = [`${body.decision.toUpperCase()}: ${body.entityRef}`];
  for (const reason of body.reasons) lines.push(`  - ${reason}`);
  return `${lines.join('\n')}\n`;
}

export function registerGate(program: Command, ctx: CommandContext) {
  program
    .command('gate')
    .description(
      'Ask the deploy gate of an entity whether to release: exit 0 allow, 1 warn, 2 block, ' +
        '3 when it cannot decide (unreachable server, refused token, bad answer).',
    )
    .requiredOption(
      '--entity <ref>',
      'the entity, e.g. component:default/jupyterhub',
    )
    .requiredOption(
      '--url <url>',
      'the Backstage backend, e.g. https://backstage.example.org',
    )
    .option(
      '--token <token>',
      'an external-access token allowed operability.gate.read (default: $AIRWORTHY_TOKEN)',
    )
    .option('--allow-warn', 'exit 0 on warn too (print the warning)')
    .option('--json', 'print the gate answer as JSON')
    .option(
      '--timeout <seconds>',
      'how long to wait for the server, in seconds',
      parseSeconds,
      30,
    )
    .action(async (options: GateOptions) => {
      const url = gateUrl(options.url, options.entity);
      const timeoutMs = options.timeout * 1000;
      const token = options.token ?? process.env.AIRWORTHY_TOKEN;
      try {
        const body = await fetchGate(url, token, timeoutMs);
        ctx.io.out(
          options.json ? `${JSON.stringify(body, null, 2)}\n` : report(body),
        );
        ctx.setExitCode(
          body.decision === 'warn' && options.allowWarn
            ? GATE_EXIT.allow
            : GATE_EXIT[body.decision],
        );
      } catch (error) {
        if (!(error instanceof Undecided)) throw error;
        ctx.io.err(`airworthy gate: cannot decide: ${error.message}\n`);
        ctx.setExitCode(GATE_EXIT.undecided);
      }
    });
}
