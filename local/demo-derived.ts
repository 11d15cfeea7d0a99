import type { SQSClient } from '@aws-sdk/client-sqs';
import { addMonths, chinaDateOf } from '#domain/dates.ts';
import { maskPersonalData } from '#domain/mask.ts';
import { call, printDerivedEvents } from './demo-output.ts';
import { runPermitDemo } from './demo-permit.ts';
import type { HubEndpoints } from './hub-state.ts';
import { settleHub, takeAllMessages } from './queue-tools.ts';
import { DEMO_NEWCOMER_ID_NUMBER, demoNewcomerSubmission } from './sample-data.ts';

// The second half of `npm run demo`: the derived services. A newcomer's six months of residence are complete
// today: two departments look him up, each seeing only its own fields; then the permit itself (demo-permit.ts).
// Personal data is printed masked.

const POLICE = 'dept-public-security-xihu';
const HEALTH = 'dept-health-xihu';

type Json = Record<string, unknown>;

/** A look-up answer with the person's ID number, phone and name masked, as the demo prints it. */
function maskedView(view: Json): Json {
  const profile = view.profile as Json;
  const person = maskPersonalData(profile.person, 'person');
  return { ...view, personKey: `${String(view.personKey).slice(0, 12)}…`, profile: { ...profile, person } };
}

function printView(title: string, view: Json): void {
  const { profile, eligibility, points } = maskedView(view) as {
    profile: Json;
    eligibility: { asOf: string; eligible: boolean; eligibleFrom?: string; conditions: Record<string, Json> };
    points: {
      total: number;
      example: boolean;
      breakdown: Array<{ indicator: string; points: number; explanation?: string }>;
    } | null;
  };
  console.log(`\n${title}`);
  console.log(`  person     ${JSON.stringify(profile.person)}`);
  for (const [list, items] of Object.entries(profile)) {
    if (list !== 'person') console.log(`  ${list.padEnd(10)} ${JSON.stringify(items)}`);
  }
  const met = Object.entries(eligibility.conditions)
    .map(([name, c]) => `${name}${c.met ? ' ✓' : ' ✗'}`)
    .join(', ');
  console.log(
    `  eligible   ${eligibility.eligible} as of ${eligibility.asOf}` +
      `${eligibility.eligibleFrom ? `, from ${eligibility.eligibleFrom}` : ''} (${met})`,
  );
  if (points) {
    console.log(`  points     ${points.total}${points.example ? ' (EXAMPLE table, not official)' : ''}`);
    for (const line of points.breakdown)
      console.log(
        `    ${line.indicator.padEnd(16)} ${String(line.points).padStart(5)}  ${line.explanation ?? '(input not visible to this department)'}`,
      );
  }
}

export async function runDerivedDemo(endpoints: HubEndpoints, sqs: SQSClient): Promise<void> {
  const today = chinaDateOf(new Date().toISOString());
  const movedInOn = addMonths(today, -6);
  const submission = demoNewcomerSubmission(movedInOn);

  console.log('\n=== Derived services: profile, permit eligibility, points, look-ups ===');
  await takeAllMessages(sqs, endpoints.derivedEventsQueue ?? ''); // only what this part emits
  const stored = await call(endpoints, 'POST', '/v1/records', submission.submitterId, {
    records: submission.records,
  });
  console.log(`\n${submission.submitterId}: ${submission.what} (moved in ${movedInOn})`);
  console.log(`  HTTP ${stored.status}, ${JSON.stringify(stored.body.summary)}`);
  await settleHub(endpoints.apiUrl);
  await printDerivedEvents(endpoints, sqs);

  const lookup = { idNumber: DEMO_NEWCOMER_ID_NUMBER };
  const health = await call(endpoints, 'POST', '/v1/persons/lookup', HEALTH, lookup);
  const police = await call(endpoints, 'POST', '/v1/persons/lookup', POLICE, lookup);
  const eligibility = health.body.eligibility as { eligible: boolean; eligibleFrom?: string };
  console.log(
    `\nToday (${today}) the newcomer is ${eligibility.eligible ? 'eligible' : 'not eligible'}` +
      `${eligibility.eligibleFrom ? `, from ${eligibility.eligibleFrom}` : ''}: his six months are complete.`,
  );
  printView(`Look-up by health (${HEALTH}): no ID number, no employer`, health.body);
  printView(`Look-up by public security (${POLICE}): identifies the person`, police.body);

  await runPermitDemo(endpoints, sqs, today);

  const trail = await call(endpoints, 'GET', `/v1/audit?from=${today}`, POLICE);
  const entries = trail.body.entries as Array<{
    at: string;
    submitterId: string;
    personKey: string;
    fields: string[];
  }>;
  console.log(
    `\nAudit trail of public-security since ${today} (read with the audit right): ${entries.length} entr(y/ies)`,
  );
  for (const entry of entries.slice(-3))
    console.log(
      `  ${entry.at} ${entry.submitterId} ${entry.personKey.slice(0, 12)}… ${entry.fields.length} fields, e.g. ${entry.fields.slice(0, 4).join(', ')}`,
    );

  const stats = await call(endpoints, 'GET', '/v1/stats?division=330106', HEALTH);
  console.log(`\nStatistics of Xihu district (330106): ${JSON.stringify(stats.body)}`);
  // The coordinator ratio counts the previous year's registrations: the story's family moved in in 2024.
  const staffing = await call(endpoints, 'GET', '/v1/stats?division=330106&asOf=2025-01-15', HEALTH);
  console.log(
    `Coordinators (协管员) required in 2025 at 800∶1 of 2024's registrations: ${staffing.body.coordinatorsRequired}`,
  );
}
