/**
 * Where an agency's deliveries go: its own registered endpoint, else its channel's (one system often
 * serves every agency of a channel), else the stage's template (the local simulator stands in for all).
 */

import type { Config } from '../core/config.js';
import { findAgency } from '../registry/agencies.js';

export type EndpointConfig = Pick<
  Config,
  'AGENCY_ENDPOINTS' | 'AGENCY_CHANNEL_ENDPOINTS' | 'AGENCY_ENDPOINT_TEMPLATE'
>;

export function agencyEndpoint(cfg: EndpointConfig, agencyId: string): string | undefined {
  const own = cfg.AGENCY_ENDPOINTS[agencyId];
  if (own) return own;
  const fill = (template: string) => template.replaceAll('{agencyId}', encodeURIComponent(agencyId));
  const channel = findAgency(agencyId)?.channel;
  const shared = channel === undefined ? undefined : cfg.AGENCY_CHANNEL_ENDPOINTS[channel];
  if (shared) return fill(shared);
  return cfg.AGENCY_ENDPOINT_TEMPLATE === undefined ? undefined : fill(cfg.AGENCY_ENDPOINT_TEMPLATE);
}

/** The operations e-mail for an agency's endpoint: the agency's own, else its channel's. */
export function agencyOpsEmail(cfg: Pick<Config, 'AGENCY_OPS_EMAILS'>, agencyId: string): string | undefined {
  const channel = findAgency(agencyId)?.channel;
  return (
    cfg.AGENCY_OPS_EMAILS[agencyId] ?? (channel === undefined ? undefined : cfg.AGENCY_OPS_EMAILS[channel])
  );
}
