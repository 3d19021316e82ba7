/**
 * The one route table, read by API Gateway (CDK), the local server, the OpenAPI document and the tests.
 * Each function group declares its own routes beside its handler (`functions/<group>/routes.ts`, with
 * `defineRoute`); this index only puts them together. A group's Lambda is built from its own routes, so
 * its bundle carries only its own schemas. The access model lives in core/route-access.ts.
 */

import { agencyDeliveryRoutes } from './agencies/deliveries-routes.js';
import { agencyFileRoutes } from './agencies/files-routes.js';
import { agencyEventRoutes } from './agencies/routes.js';
import { catalogRoutes } from './catalog/routes.js';
import type { Route } from './core/route.js';
import type { HttpFunction } from './core/route-access.js';
import { devRoutes } from './dev/routes.js';
import { feedbackRoutes } from './feedback/routes.js';
import { intakeRoutes } from './intake/routes.js';
import { meRoutes } from './me/routes.js';
import { paymentsRoutes } from './payments/routes.js';
import { petitionsRoutes } from './petitions/routes.js';
import { platformRoutes } from './platform/routes.js';
import { resultsRoutes } from './results/routes.js';
import { rightsRoutes } from './rights/routes.js';
import { statsRoutes } from './stats/routes.js';
import { supportRoutes } from './support/routes.js';
import { trackingRoutes } from './tracking/routes.js';
import { uploadsRoutes } from './uploads/routes.js';

export { type Route, routeKey } from './core/route.js';
export * from './core/route-access.js';

export const routes: readonly Route[] = [
  ...platformRoutes,
  ...catalogRoutes,
  ...uploadsRoutes,
  ...intakeRoutes,
  ...trackingRoutes,
  ...agencyEventRoutes,
  ...agencyFileRoutes,
  ...agencyDeliveryRoutes,
  ...paymentsRoutes,
  ...meRoutes,
  ...resultsRoutes,
  ...feedbackRoutes,
  ...statsRoutes,
  ...petitionsRoutes,
  ...supportRoutes,
  ...rightsRoutes,
  ...devRoutes,
];

/** One function group's routes (tests build a group's handler from them). */
export const routesOf = (fn: HttpFunction): readonly Route[] => routes.filter((x) => x.fn === fn);

/** Routes that exist in AWS (dev routes are local-only). */
export const cloudRoutes = routes.filter((x) => x.auth !== 'dev');
