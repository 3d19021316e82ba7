/**
 * The circuit breaker on an agency's endpoint. Closed: every message is sent, failures are counted. After
 * `failures` failures in a row, or failures for `failingMinutes` with no success between, it opens: the
 * agency is paused (the same switch as a 410 pause, cause `breaker`), operators are alerted and held
 * messages wait in the queue. After `cooldownSeconds` it is half-open: one message (the holder of the
 * probe lease) is sent; a 2xx closes the breaker and resumes the agency, a failure keeps it open for
 * another cool-down. A 410 pause (cause `gone`) is never lifted here: an operator resumes it.
 *
 * Every change of state is a conditional write on the agency's one state item, so concurrent dispatchers
 * agree: one opens it (and alone raises the alarm), one holds the probe, one resumes.
 */

export interface BreakerSettings {
  /** Consecutive failures that open the breaker. */
  failures: number;
  /** Minutes of failures with no success between that open it, however few attempts that was. */
  failingMinutes: number;
  /** Seconds an open breaker waits before letting one probe through. */
  cooldownSeconds: number;
}

export interface BreakerState {
  paused: boolean;
  /** Why it is paused: the endpoint answered 410 (`gone`, operator resumes) or the breaker opened. */
  cause?: 'gone' | 'breaker';
  since?: string;
  /** Failures since the last success. */
  failures?: number;
  /** The first failure since the last success. */
  failingSince?: string;
  /** When an open breaker next lets a probe through. */
  probeAt?: string;
  /** Until when the current probe holds the half-open slot. */
  probeLease?: string;
}

/** What the dispatcher may do with one message now. */
export type Gate =
  | { kind: 'closed'; failures: number }
  | { kind: 'probe' }
  | { kind: 'held'; cause: 'gone' | 'breaker'; retryInSeconds?: number };

export interface BreakerPorts {
  settings: BreakerSettings;
  state(agencyId: string): Promise<BreakerState | undefined>;
  /** Takes the half-open slot if the breaker is open, due and nobody holds a live lease; true for one caller. */
  takeProbe(agencyId: string, now: string, leaseUntil: string): Promise<boolean>;
  /** Counts one failure (a failed probe also moves the next probe); returns the state after. */
  countFailure(agencyId: string, now: string, nextProbeAt?: string): Promise<BreakerState>;
  /** Opens the breaker unless the agency is already paused; true only for the call that opened it. */
  open(agencyId: string, now: string, reason: string, probeAt: string): Promise<boolean>;
  /**
   * After a 2xx: failures back to zero and, if the breaker had opened, the agency resumed (a 410 pause
   * stays). True when this call resumed the agency.
   */
  close(agencyId: string, now: string): Promise<boolean>;
}

const plusSeconds = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000).toISOString();

/**
 * How long a held message waits before the queue offers it again: the cool-down for an open breaker (so
 * messages return soon after a probe closes it), unset for a 410 pause (the longest backoff).
 */
export const heldFor = (settings: BreakerSettings) => Math.max(1, settings.cooldownSeconds);

/** Decides whether one message is sent, sent as the probe, or held. */
export async function admit(
  ports: BreakerPorts,
  agencyId: string,
  now: Date,
  /** The state as the caller already read it (with the dossier, in one batch), if it did. */
  known?: { state: BreakerState | undefined },
): Promise<Gate> {
  const state = known ? known.state : await ports.state(agencyId);
  if (!state?.paused) return { kind: 'closed', failures: state?.failures ?? 0 };
  if (state.cause !== 'breaker') return { kind: 'held', cause: 'gone' };
  const due = !state.probeAt || state.probeAt <= now.toISOString();
  // The lease outlives one POST (its timeout) so a slow probe is not joined by a second.
  if (due && (await ports.takeProbe(agencyId, now.toISOString(), plusSeconds(now, 60))))
    return { kind: 'probe' };
  return { kind: 'held', cause: 'breaker', retryInSeconds: heldFor(ports.settings) };
}

/** Whether a run of failures should open the breaker. */
export function shouldOpen(state: BreakerState, settings: BreakerSettings, now: Date): boolean {
  if (state.paused) return false;
  const failures = state.failures ?? 0;
  if (failures >= settings.failures) return true;
  if (failures < 2 || !state.failingSince) return false;
  return now.getTime() - Date.parse(state.failingSince) >= settings.failingMinutes * 60_000;
}

export type BreakerChange = 'opened' | 'resumed' | undefined;

/**
 * Records what one attempt showed. `ok`: a 2xx. `failure`: 5xx, other refusals, timeouts, unreachable.
 * A 429 (the agency is alive and asks to slow down) and a 410 (its own pause) change nothing here.
 */
export async function afterAttempt(
  ports: BreakerPorts,
  agencyId: string,
  gate: Gate,
  result: 'ok' | 'failure',
  now: Date,
  reason: string,
): Promise<BreakerChange> {
  const at = now.toISOString();
  if (result === 'ok') {
    // A write per success only when there is something to reset: the common path stays one read.
    if (gate.kind === 'closed' && gate.failures === 0) return undefined;
    return (await ports.close(agencyId, at)) ? 'resumed' : undefined;
  }
  const nextProbe = plusSeconds(now, ports.settings.cooldownSeconds);
  const state = await ports.countFailure(agencyId, at, gate.kind === 'probe' ? nextProbe : undefined);
  if (!shouldOpen(state, ports.settings, now)) return undefined;
  return (await ports.open(agencyId, at, reason, nextProbe)) ? 'opened' : undefined;
}
