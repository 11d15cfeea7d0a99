import { resolve } from 'node:path';
import { Option } from 'commander';
import { SUBMITTER_ROLES, type SubmitterRole } from '#domain/permissions.ts';
import { DEPARTMENTS } from '#events/subscriptions.ts';
import { idNumber } from '#schemas/values/id-number.ts';
import { program } from './cli.ts';
import { claimsOf } from './dev-submitters.ts';
import { readSigningKey } from './hub-state.ts';
import { DEFAULT_TOKEN_LIFETIME, issueToken } from './local-jwt.ts';

// `npm run -s token -- --submitter ID --role ROLE [...]`: a bearer token signed with the local hub's key.

interface TokenOptions {
  submitter: string;
  role: SubmitterRole;
  personIdNumber?: string;
  department?: string;
  audit?: 'own' | 'all';
  divisions?: string[];
  expiresIn: string;
  dataDir?: string;
}

const command = program(
  'npm run -s token --',
  'Prints a bearer token for the local hub, signed with its key (the running hub’s, or a kept hub’s with --data-dir).',
)
  .requiredOption('--submitter <id>', 'the submitter id (the token’s "sub")')
  .addOption(
    new Option('--role <role>', 'the submitter’s role').choices(SUBMITTER_ROLES).makeOptionMandatory(),
  )
  .option('--person-id-number <n>', 'a resident’s own ID number ("id_number"); required for --role resident')
  .addOption(
    new Option('--department <d>', 'a department caller’s department ("department")').choices(DEPARTMENTS),
  )
  .addOption(
    new Option('--audit <right>', 'a department caller’s audit right ("audit": true, or "all")').choices([
      'own',
      'all',
    ]),
  )
  .option(
    '--divisions <codes>',
    'a coordinator’s divisions ("divisions"), comma-separated 6-digit codes; required for --role coordinator',
    (value: string) => value.split(',').map((code) => code.trim()),
  )
  .option('--expires-in <span>', 'lifetime, e.g. 30m, 1h, 7d', DEFAULT_TOKEN_LIFETIME)
  .option(
    '--data-dir <dir>',
    'the hub’s --data-dir (default: the last hub started, from $HUB_STATE_DIR or .local-hub)',
  );

const options = command.parse().opts<TokenOptions>();
const { submitter, role, department, audit, divisions } = options;
if ((role === 'resident') !== (options.personIdNumber !== undefined))
  command.error('error: --person-id-number is required for a resident, and only for a resident.');
// Checked here, not in an option parser, whose message would echo the ID number.
const ownId = options.personIdNumber === undefined ? undefined : idNumber.safeParse(options.personIdNumber);
if (ownId?.success === false) command.error('error: --person-id-number is not a valid resident ID number.');
if ((department !== undefined || audit !== undefined) && role !== 'department')
  command.error('error: --department and --audit are for --role department only.');
if ((role === 'coordinator') !== (divisions !== undefined))
  command.error('error: --divisions is required for a coordinator, and only for a coordinator.');
if (divisions?.some((code) => !/^\d{6}$/.test(code)))
  command.error('error: --divisions must be 6-digit division codes, separated by commas.');

const key = await readSigningKey({
  stateDir: resolve(process.env.HUB_STATE_DIR ?? '.local-hub'),
  ...(options.dataDir ? { dataDir: resolve(options.dataDir) } : {}),
}).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
const claims = claimsOf({
  submitterId: submitter,
  role,
  ...(ownId?.success ? { idNumber: ownId.data } : {}),
  ...(department === undefined ? {} : { department }),
  ...(audit === undefined ? {} : { audit: audit === 'all' ? 'all' : true }),
  ...(divisions === undefined ? {} : { divisions }),
});
const token = await issueToken(key, claims, options.expiresIn).catch(() =>
  command.error(`error: --expires-in "${options.expiresIn}" is not a time span like 30m, 1h or 7d.`),
);
console.log(token);
