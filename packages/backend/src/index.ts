/*
 * The Airworthy demo backend: catalog, guest sign-in, permissions, notifications and the
 * operability plugin with its modules.
 */

import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouterWithClientErrors } from './clientErrors';

const backend = createBackend();

// Replicas on one PostgreSQL start one at a time (see src/startupGate.ts).
backend.add(import('./startupGate'));

// Requests Node refuses before routing (oversized headers) answer in the API's error shape.
backend.add(rootHttpRouterWithClientErrors);

backend.add(import('@backstage/plugin-app-backend'));

// auth: guest sign-in for the embedded demo (see app-config.yaml)
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permissions
backend.add(import('@backstage/plugin-permission-backend'));
// Owners and the SRE groups of operability.permissions may write operability data;
// everything else is allowed (see src/permissionPolicy.ts).
backend.add(import('./permissionPolicy'));

// notifications (the operability plugin notifies owners of SLO state changes, weekly
// digests and monthly reviews through them) and signals (pushes them to open browsers)
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// operability
backend.add(import('@airworthy/plugin-operability-backend'));
backend.add(
  import('@airworthy/plugin-operability-backend-module-alertmanager'),
);
backend.add(import('@airworthy/plugin-operability-backend-module-github'));
backend.add(import('@airworthy/plugin-operability-backend-module-pagerduty'));
backend.add(import('@airworthy/plugin-operability-backend-module-prometheus'));
// The embedded demo (generated SLI data, incidents through the webhooks); on only where
// operability.demo.enabled is true, as in app-config.yaml.
backend.add(import('@airworthy/plugin-operability-backend-module-demo'));

// AI assistants: the actions of the plugins in backend.actions.pluginSources (the operability
// plugin's read-only actions) as MCP tools at /api/mcp-actions/v1 (README, "Ask an AI assistant").
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// A replica whose start-up failed would keep running half-started (its scheduled tasks
// running, its routes answering 503): exit instead, so that the platform starts it again.
backend.start().catch(error => {
  process.stderr.write(
    `Backend start-up failed, exiting: ${error?.stack ?? error}\n`,
  );
  process.exit(1);
});
