import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { DemoDelivery } from './deliveries';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Sends the demo's deliveries to the operability backend over HTTP, in order: webhooks to
 * `/webhooks/{source}` (no credentials: they carry the source's signature or token), manual
 * incidents to the API with the module's service credentials. Retries while the backend is
 * still starting; returns how many were accepted.
 */
export async function sendDeliveries(options: {
  deliveries: DemoDelivery[];
  discovery: DiscoveryService;
  auth: AuthService;
  logger: LoggerService;
  attempts?: number;
}): Promise<{ accepted: number; refused: number }> {
  const { deliveries, discovery, auth, logger } = options;
  const baseUrl = await discovery.getBaseUrl('operability');
  let accepted = 0;
  let refused = 0;
  for (const delivery of deliveries) {
    let url: string;
    let headers: Record<string, string>;
    let body: string;
    if (delivery.kind === 'webhook') {
      url = `${baseUrl}/webhooks/${delivery.source}`;
      headers = delivery.headers;
      body = delivery.body;
    } else {
      const [kind, rest] = delivery.entityRef.split(':');
      const [namespace, name] = rest.split('/');
      url = `${baseUrl}/entities/${kind}/${namespace}/${name}/incidents`;
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'operability',
      });
      headers = {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      };
      body = JSON.stringify(delivery.body);
    }
    let status = 0;
    let detail = '';
    for (let attempt = 1; attempt <= (options.attempts ?? 10); attempt++) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers,
          body,
          redirect: 'manual',
        });
        status = response.status;
        detail = await response.text();
      } catch (error) {
        status = 0;
        detail = (error as Error).message;
      }
      // 503 while the plugin is still starting; 429 if the rate limit is reached
      if (status !== 0 && status !== 503 && status !== 429 && status < 500)
        break;
      await sleep(Math.min(10_000, 500 * 2 ** attempt));
    }
    if (status >= 200 && status < 300) {
      accepted++;
    } else {
      refused++;
      logger.warn(
        `Demo ${
          delivery.kind === 'webhook' ? delivery.source : 'manual'
        } delivery refused with ${status}: ${detail.slice(0, 300)}`,
      );
    }
  }
  return { accepted, refused };
}
