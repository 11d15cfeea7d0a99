import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isSubmitterRole, SUBMITTER_ROLES } from '#domain/permissions.ts';
import { DEPARTMENTS } from '#events/subscriptions.ts';
import { idNumber } from '#schemas/values/id-number.ts';
import { claimsOf } from './dev-submitters.ts';
import { readSigningKey } from './hub-state.ts';
import { DEFAULT_TOKEN_LIFETIME, issueToken } from './local-jwt.ts';

// `npm run token -- --submitter ID --role ROLE [...]`: a bearer token signed with the local hub's key.

const USAGE = `Usage: npm run -s token -- --submitter ID --role ROLE [options]

Prints a bearer token for the local hub, signed with its key (the running hub's, or a kept hub's with --data-dir).
  --submitter ID           the submitter id (the token's "sub")
  --role ROLE              one of ${SUBMITTER_ROLES.join(', ')}
  --person-id-number N     a resident's own ID number ("id_number"); required for --role resident
  --department D           a department caller's department ("department"): ${DEPARTMENTS.join(', ')}
  --audit own|all          a department caller's audit right ("audit": true, or "all")
  --expires-in SPAN        lifetime, e.g. 30m, 1h, 7d (default ${DEFAULT_TOKEN_LIFETIME})
  --data-dir DIR           the hub's --data-dir (default: the last hub started, from $HUB_STATE_DIR or .local-hub)`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    submitter: { type: 'string' },
    role: { type: 'string' },
    'person-id-number': { type: 'string' },
    department: { type: 'string' },
    audit: { type: 'string' },
    'expires-in': { type: 'string', default: DEFAULT_TOKEN_LIFETIME },
    'data-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const { submitter, role } = values;
if (!submitter) fail('--submitter is required.');
if (!isSubmitterRole(role)) fail(`--role must be one of ${SUBMITTER_ROLES.join(', ')}.`);
const personId = values['person-id-number'];
if ((role === 'resident') !== (personId !== undefined))
  fail('--person-id-number is required for a resident, and only for a resident.');
const ownId = personId === undefined ? undefined : idNumber.safeParse(personId);
if (ownId && !ownId.success) fail('--person-id-number is not a valid resident ID number.');

const dataDir = values['data-dir'];
const key = await readSigningKey({
  stateDir: resolve(process.env.HUB_STATE_DIR ?? '.local-hub'),
  ...(dataDir ? { dataDir: resolve(dataDir) } : {}),
}).catch((error: Error) => fail(error.message));
const { department, audit } = values;
if ((department !== undefined || audit !== undefined) && role !== 'department')
  fail('--department and --audit are for --role department only.');
if (department !== undefined && !(DEPARTMENTS as readonly string[]).includes(department))
  fail(`--department must be one of ${DEPARTMENTS.join(', ')}.`);
if (audit !== undefined && audit !== 'own' && audit !== 'all') fail('--audit must be own or all.');
const claims = claimsOf({
  submitterId: submitter,
  role,
  ...(ownId ? { idNumber: ownId.data } : {}),
  ...(department === undefined ? {} : { department }),
  ...(audit === undefined ? {} : { audit: audit === 'all' ? 'all' : true }),
});
const token = await issueToken(key, claims, values['expires-in']).catch(() =>
  fail(`--expires-in "${values['expires-in']}" is not a time span like 30m, 1h or 7d.`),
);
console.log(token);
