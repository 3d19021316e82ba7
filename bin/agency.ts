/**
 * `npm run agency -- <command>`: answer the portal as an agency's system would — received, in progress,
 * supplement request, approval, result, refusal, petition answers — with Standard Webhooks signed
 * callbacks; prints each request and the portal's answer. `npm run agency -- --help` lists everything.
 */
import { runAgencyCli } from '../lib/local/agency-kit/cli.js';

const { status } = await runAgencyCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
});
process.exit(status);
