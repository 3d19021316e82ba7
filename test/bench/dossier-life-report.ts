/** The whole-life section of `npm run bench`: calls by step and operation, and the cost model, before and now. */

import { dossierLifeBench } from './dossier-life.js';
import before from './dossier-life-before.json' with { type: 'json' };

/** The goals the bench reports against: calls from submission to delivery, cost per million lives. */
const HAND_OVER_GOAL = 8;
const COST_GOAL_PER_MILLION = 40;

export async function printDossierLife() {
  const life = await dossierLifeBench();
  console.log(
    '\nA dossier’s whole life (licence exchange 1.002804: two scans, online fee, agency steps by signed',
  );
  console.log(
    'callbacks) — AWS calls the functions make through their SDK clients, by step and operation, warm',
  );
  console.table(life.calls);
  console.table(life.steps);
  const beforeCalls = before.callsByStep as Record<string, number>;
  console.log(`\nCalls by step, before the reductions (${before.commit}) and now`);
  console.table(
    life.calls.map((row) => ({ step: row.step, before: beforeCalls[row.step] ?? NaN, now: row.calls })),
  );
  console.log(
    `Submission → delivery (intake, outbox relay, dispatcher): ${before.submissionToDelivery} calls before, ${life.submissionToDelivery} now`,
  );
  console.log(
    `The same for one scan and no fee (1.002758): ${life.oneScan.total} calls (before: ${before.oneScanToDelivery}; ` +
      `goal ≤ ${HAND_OVER_GOAL}: ${life.oneScan.total <= HAND_OVER_GOAL ? 'met' : 'missed'})`,
  );
  console.table(life.oneScan.calls);
  const beforeCost = before.costPerMillion as Record<string, number>;
  console.log(`\nCost per million dossiers, US$ (${life.cost.note}; GB-s from measured local durations)`);
  console.table(
    life.cost.lines.map((l) => ({
      line: l.line,
      'units per dossier': l.units,
      'before (US$/M)': beforeCost[l.line] ?? NaN,
      'now (US$/M)': l.usdPerMillion,
    })),
  );
  const w = life.cost.writes;
  console.log(
    `Of the write units: ${w.indexWriteUnits} keep the secondary indexes' copies (US$${w.indexCopies} per million); ` +
      `${w.transactionWriteUnits} were written in transactions, half of them the price of all-or-nothing (US$${w.transactionPremium} per million).`,
  );
  console.log(
    `Without the table at all, the life's requests and compute (HTTP API, S3, SQS, Lambda) cost US$${life.cost.withoutTablePerMillion.toFixed(2)} per million: ` +
      `${life.cost.withoutTablePerMillion > COST_GOAL_PER_MILLION ? 'above' : 'within'} the goal of US$${COST_GOAL_PER_MILLION} before a single write.`,
  );
  console.log(
    `Even if every queue and stream consumer took full batches of ten (receives, deletes and their invocations a tenth), ` +
      `they would cost US$${life.cost.batchedWithoutTablePerMillion.toFixed(2)} per million: ` +
      `${life.cost.batchedWithoutTablePerMillion > COST_GOAL_PER_MILLION ? 'above' : 'within'} the goal.`,
  );
  const least = life.cost.oneScanWithoutTablePerMillion + life.cost.leastWritesPerMillion;
  console.log(
    `The issue's life has one scan (this one has two). With one scan fewer the life's requests and compute cost ` +
      `US$${life.cost.oneScanWithoutTablePerMillion.toFixed(2)} per million; its ${life.cost.stateChanges} state changes ` +
      `are at least one write unit each (US$${life.cost.leastWritesPerMillion.toFixed(2)}), so that life costs at least ` +
      `US$${least.toFixed(2)} per million whatever the data model: ${least > COST_GOAL_PER_MILLION ? 'above' : 'within'} the goal.`,
  );
  console.log('\nCalls and capacity units by function, the whole life');
  console.table(life.byFunction);
  console.log(
    `The life: US$${life.cost.perMillion.toFixed(2)} per million dossiers (before: US$${beforeCost['the life (requests and compute)']}; ` +
      `goal ≤ US$${COST_GOAL_PER_MILLION}: ${life.cost.perMillion <= COST_GOAL_PER_MILLION ? 'met' : 'missed'}); ` +
      `storage US$${life.cost.storagePerMillionMonth.toFixed(2)} per million dossiers per month kept; ` +
      `plus ${life.cost.sms} text messages per dossier (SNS SMS to Vietnam, priced per carrier, not included).`,
  );
}
