/**
 * `npm start -- --agency-endpoint <channel>=<url>`: an integrator points one integration channel's
 * deliveries at their own receiver; the agency simulator keeps serving every other channel. The URL may
 * hold `{agencyId}` when the receiver wants the agency in its path (every delivery also names it in the
 * `cong-agency-id` header).
 */
import { findAgency } from '../../functions/registry/agencies.js';

export class AgencyEndpointError extends Error {
  override name = 'AgencyEndpointError';
}

const EXAMPLE = 'bhxh=http://localhost:8080/webhook';

/** channel → receiver URL, from the repeated flag's values; throws AgencyEndpointError with a message for people. */
export function parseAgencyEndpoints(
  values: readonly string[],
  channels: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0 || at === value.length - 1) {
      throw new AgencyEndpointError(
        `--agency-endpoint expects <channel>=<url>, e.g. ${EXAMPLE}; got "${value}"`,
      );
    }
    const channel = value.slice(0, at).trim();
    const url = value.slice(at + 1).trim();
    if (!channels.includes(channel)) {
      // Integrators often know their agency's id rather than its channel: say which channel that is.
      const agency = findAgency(channel);
      const hint = agency ? ` Agency "${channel}" is served by channel "${agency.channel}".` : '';
      throw new AgencyEndpointError(
        `Unknown integration channel "${channel}".${hint} Valid channels: ${channels.join(', ')}`,
      );
    }
    if (out[channel] !== undefined) {
      throw new AgencyEndpointError(`--agency-endpoint names channel "${channel}" twice`);
    }
    let parsed: URL;
    try {
      parsed = new URL(url.replaceAll('{agencyId}', 'agency'));
    } catch {
      throw new AgencyEndpointError(
        `--agency-endpoint ${channel}: "${url}" is not a URL; give an absolute http(s) URL, e.g. ${EXAMPLE}`,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new AgencyEndpointError(
        `--agency-endpoint ${channel}: "${url}" must be an http:// or https:// URL (it reads as scheme ${parsed.protocol})`,
      );
    }
    if (parsed.username || parsed.password) {
      throw new AgencyEndpointError(
        `--agency-endpoint ${channel}: put no credentials in the URL; deliveries are signed instead`,
      );
    }
    out[channel] = url;
  }
  return out;
}
