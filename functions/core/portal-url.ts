/**
 * The portal's public address: payment providers send the citizen's browser back to it, the OpenAPI
 * document names it as its server, deliveries link files under it. It is the stage's edge (CloudFront),
 * never API Gateway's own address, which answers only the edge (core/edge-origin.ts).
 *
 * PORTAL_URL when it is known before deployment (a custom domain; the local portal). Otherwise the Web
 * stack writes the distribution's address to the SSM parameter PORTAL_URL_PARAMETER names: the API stack
 * deploys before the distribution exists, so the address is read once per container at run time.
 */
import * as z from 'zod';
import { config } from './config.js';

let cached: { parameter: string; value: Promise<string> } | undefined;

/**
 * Read once per container (the address changes only when a custom domain is added, and then PORTAL_URL
 * takes over), with the bare client loaded on first use: most functions never need it.
 */
async function readParameter(name: string): Promise<string> {
  const [{ GetParameterCommand, SSMClient }, { traced }] = await Promise.all([
    import('@aws-sdk/client-ssm'),
    import('./tracing.js'),
  ]);
  const out = await traced(new SSMClient({})).send(new GetParameterCommand({ Name: name }));
  return z.url().parse(out.Parameter?.Value);
}

/** The portal's public address without a trailing slash, or undefined (links stay relative). */
export async function portalUrl(): Promise<string | undefined> {
  const cfg = config();
  if (cfg.PORTAL_URL) return cfg.PORTAL_URL.replace(/\/$/, '');
  const parameter = cfg.PORTAL_URL_PARAMETER;
  if (!parameter) return undefined;
  if (cached?.parameter !== parameter) {
    const value = readParameter(parameter).then((url) => url.replace(/\/$/, ''));
    // A failed read (the Web stack not deployed yet) is tried again by the next request.
    value.catch(() => {
      if (cached?.value === value) cached = undefined;
    });
    cached = { parameter, value };
  }
  return cached.value;
}
