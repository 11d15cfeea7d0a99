import type { SQSClient } from '@aws-sdk/client-sqs';
import { addDays, addMonths } from '#domain/dates.ts';
import { maskPersonalData } from '#domain/mask.ts';
import { call, printDerivedEvents, printResults } from './demo-output.ts';
import { EVALUATE_ROUTE_PATH } from './derived-services.ts';
import type { HubEndpoints } from './hub-state.ts';
import { settleHub, takeAllMessages } from './queue-tools.ts';
import {
  DEMO_PERMIT_NUMBER,
  demoApplication,
  demoCardLink,
  demoCoordinatorApplication,
  demoPermit,
} from './sample-data.ts';

// The permit itself (全员登记、依规领证、凭证服务): the newcomer applies on the day he becomes eligible, public
// security issues the permit, the citizen card is linked, legal aid verifies it, and eleven months later the
// endorsement falls due (the daily evaluation "as of" that day). Personal data is printed masked.

const LEGAL_AID = 'dept-legal-aid-xihu';
/** The queues that receive the permit's records, and why (events/subscriptions.ts). */
const PERMIT_QUEUES = ['public-security', 'hrss', 'health', 'justice', 'culture-sports'];

type Json = Record<string, unknown>;

async function submit(
  endpoints: HubEndpoints,
  submission: { submitterId: string; what: string; records: unknown[] },
) {
  const answer = await call(endpoints, 'POST', '/v1/records', submission.submitterId, {
    records: submission.records,
  });
  console.log(`\n${submission.submitterId}: ${submission.what}`);
  printResults(answer.body.results as Json[]);
  return answer.body.results as Json[];
}

async function verify(endpoints: HubEndpoints, body: Json, what: string) {
  const answer = await call(endpoints, 'POST', '/v1/permits/verify', LEGAL_AID, body);
  console.log(`  ${what}: ${JSON.stringify(answer.body)}`);
}

export async function runPermitDemo(endpoints: HubEndpoints, sqs: SQSClient, today: string): Promise<void> {
  console.log('\n=== The permit: application, issue, card link, verification for services, endorsement ===');
  const [application] = await submit(endpoints, demoApplication(today));
  await submit(endpoints, demoCoordinatorApplication(today));

  // Issued the same day; endorsed for a year (签注), the last day one year on less a day.
  const endorsedUntil = addDays(addMonths(today, 12), -1);
  await submit(endpoints, demoPermit(today, endorsedUntil, String(application?.recordId)));
  await submit(endpoints, demoCardLink(today));
  await settleHub(endpoints.apiUrl);

  console.log('\nWhat the departments received of the permit (each only its projection):');
  for (const department of PERMIT_QUEUES) {
    const messages = (await takeAllMessages(sqs, endpoints.queues[department] ?? '')).map(
      (m) => JSON.parse(m.Body ?? '{}') as { type: string; kind: string; record: unknown },
    );
    const permitMessages = messages.filter((m) =>
      ['permit-application', 'residence-permit', 'card-link'].includes(m.kind),
    );
    console.log(`\n${department}: ${permitMessages.length} message(s)`);
    for (const m of permitMessages) console.log(`  ${m.type} ${JSON.stringify(maskPersonalData(m.record))}`);
  }
  await printDerivedEvents(endpoints, sqs);

  console.log(
    `\nLegal aid (${LEGAL_AID}) verifies the permit (POST /v1/permits/verify): four fields, nothing else`,
  );
  await verify(endpoints, { permitNumber: DEMO_PERMIT_NUMBER }, 'by the permit number, today');

  // Eleven months on the endorsement falls due (30 days before it lapses), and the day after it lapses the
  // permit is suspended until it is endorsed again.
  const dueOn = addDays(endorsedUntil, -30);
  const lapsedOn = addDays(endorsedUntil, 1);
  for (const asOf of [dueOn, lapsedOn]) {
    const run = await call(endpoints, 'POST', EVALUATE_ROUTE_PATH, undefined, { asOf });
    console.log(
      `\nDaily evaluation as of ${asOf} (npm run evaluate -- --as-of ${asOf}): ${JSON.stringify(run.body)}`,
    );
    await settleHub(endpoints.apiUrl);
    await printDerivedEvents(endpoints, sqs);
    await verify(endpoints, { permitNumber: DEMO_PERMIT_NUMBER, asOf }, `verified as of ${asOf}`);
  }

  const stats = await call(endpoints, 'GET', `/v1/stats?division=330106&asOf=${today}`, LEGAL_AID);
  console.log(
    `\nPermit issuance in Xihu as of ${today} (绩效考核): ${JSON.stringify(stats.body.permitIssuance)}`,
  );
}
