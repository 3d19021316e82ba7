/**
 * Working through sharded index partitions ("lanes": a deadline kind's shard, a payment queue's shard)
 * in a scheduled run. After a national peak a backlog can hold hundreds of thousands of entries, so a
 * run visits its lanes in rounds of `concurrency` (one round's reads go out together, and a few
 * connections serve the whole run), handling one page of each lane per visit, entry after entry; a lane
 * with more comes round again after every other lane has had its turn, so one deep backlog (acknowledge-
 * ments lapsed by the hundred thousand) never keeps the others (due dates) waiting for a later run. It goes
 * on until every lane is read or the run's time is nearly spent. Whatever is left stays indexed for the
 * next run; an entry that could not be handled never holds back the ones behind it, because each page
 * resumes after the last key read.
 */

/** How hard a run works and when it stops: its remaining time, less what the rest of the run needs. */
export interface DrainBudget {
  /** Lanes worked on at once. */
  concurrency: number;
  /** Milliseconds the run has left (Lambda's remaining time). */
  timeLeftMs: () => number;
  /** Milliseconds kept back: no entry is started with less than this left. */
  reserveMs: number;
}

/** One page of a lane, oldest first, and where the next page starts (none: the lane is read). */
export interface LanePage<E, C> {
  entries: E[];
  next?: C;
}

/** A budget with no end, for runs outside Lambda (tests, operator tools). */
export const unbounded = (concurrency: number): DrainBudget => ({
  concurrency,
  timeLeftMs: () => Number.POSITIVE_INFINITY,
  reserveMs: 0,
});

/** The budget of a Lambda run: its own remaining time when invoked with a context. */
export function lambdaBudget(
  concurrency: number,
  reserveMs: number,
  context?: { getRemainingTimeInMillis(): number },
): DrainBudget {
  return context
    ? { concurrency, reserveMs, timeLeftMs: () => context.getRemainingTimeInMillis() }
    : unbounded(concurrency);
}

/**
 * Reads and handles every lane's entries within the budget; resolves to the number of lanes left with
 * entries unread or unhandled (0: the run finished its work). `handle` reports its own failures.
 */
export async function drainLanes<L, E, C>(o: {
  lanes: readonly L[];
  read: (lane: L, after?: C) => Promise<LanePage<E, C>>;
  handle: (entry: E, lane: L) => Promise<void>;
  budget: DrainBudget;
}): Promise<number> {
  const { concurrency, timeLeftMs, reserveMs } = o.budget;
  const inTime = () => timeLeftMs() > reserveMs;
  // Turns still owed: every lane's first page, then each further page behind all the others.
  const turns: { lane: L; after?: C }[] = o.lanes.map((lane) => ({ lane }));
  let unfinished = 0;
  const visit = async ({ lane, after }: { lane: L; after?: C }) => {
    const page = await o.read(lane, after);
    for (const entry of page.entries) {
      if (!inTime()) {
        unfinished++;
        return;
      }
      await o.handle(entry, lane);
    }
    if (page.next !== undefined) turns.push({ lane, after: page.next });
  };
  while (turns.length && inTime()) {
    await Promise.all(turns.splice(0, Math.max(1, concurrency)).map(visit));
  }
  return unfinished + turns.length;
}
