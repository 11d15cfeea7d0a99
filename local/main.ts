import { resolve } from 'node:path';
import { Option } from 'commander';
import { STAGES, type StageName } from '../infra/config.ts';
import { integerIn, program } from './cli.ts';
import { DEFAULT_CONFIG_FILE, readHubConfig } from './hub-config.ts';

// `npm start [-- --data-dir DIR] [--port N] [--config FILE]`: the local hub on 127.0.0.1 until Ctrl-C.

const options = program('npm start --', 'Runs the local hub on 127.0.0.1 until Ctrl-C.')
  .option(
    '--data-dir <dir>',
    'keep the table, queues, signing key and personKey secret in DIR across restarts',
  )
  .option(
    '--port <n>',
    'port of the HTTP API; 0 picks a free one (default: $HUB_PORT or 4000)',
    integerIn(0, 65_535),
  )
  .addOption(
    new Option(
      '--stage <name>',
      'the deployment stage whose API throttling (rate and burst, per route) to enforce',
    )
      .choices(Object.keys(STAGES))
      .default('prod'),
  )
  .option(
    '--config <file>',
    `the local hub's configuration: city and county subscribers (default: ${DEFAULT_CONFIG_FILE} if it exists)`,
  )
  .addHelpText(
    'after',
    '\nEnvironment: HUB_PORT (default port), HUB_STATE_DIR (where endpoints.json is written; default .local-hub),\n' +
      'POWERTOOLS_LOG_LEVEL (the handlers’ log level; default WARN).',
  )
  .parse()
  .opts<{ dataDir?: string; port?: number; stage: StageName; config?: string }>();

const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
const port = options.port ?? Number(process.env.HUB_PORT ?? 4000);
const stateDir = resolve(process.env.HUB_STATE_DIR ?? '.local-hub');

// Loaded once the arguments are known good: `--help` needs none of the emulators.
const { startHub } = await import('./hub.ts');
const { writeEndpoints, writeSigningKey } = await import('./hub-state.ts');
const { DEFAULT_TOKEN_LIFETIME } = await import('./local-jwt.ts');
const config = await readHubConfig(options.config ?? DEFAULT_CONFIG_FILE, options.config !== undefined).catch(
  (error: Error) => {
    console.error(`npm start: ${error.message}`);
    process.exit(2);
  },
);

const { rateLimit, burstLimit } = STAGES[options.stage].ingest;
const hub = await startHub({
  port,
  throttle: { rateLimit, burstLimit },
  subscribers: config.subscribers,
  ...(dataDir ? { dataDir } : {}),
});
const file = await writeEndpoints(stateDir, hub.endpoints);
await writeSigningKey(stateDir, hub.signingKey);
const { endpoints } = hub;

const lines = [
  'residence-data-hub local hub is running (Ctrl-C stops it)',
  `  console           ${endpoints.consoleUrl}  (paste a department token, e.g. ops-province-office below)`,
  `  HTTP API          POST ${endpoints.apiUrl}/v1/records`,
  `  department API    POST /v1/persons/lookup, GET /v1/stats?division=…, GET /v1/audit?from=… (department tokens)`,
  `  operations API    GET /v1/flow, /v1/late-reports, /v1/subscribers, /v1/divisions (department tokens)`,
  `  API documents     ${endpoints.apiUrl}/docs`,
  `  throttling        ${rateLimit} requests/s, burst ${burstLimit}, per route (stage ${options.stage}); then 429`,
  `  daily evaluation  00:05 China time; now: npm run evaluate -- --as-of YYYY-MM-DD`,
  `  derived events    ${endpoints.derivedEventsQueue ?? ''}`,
  `  SQS endpoint      ${endpoints.sqsEndpoint}`,
  `  DynamoDB endpoint ${endpoints.dynamodbEndpoint}  (table ${endpoints.tableName})`,
  `  region            ${endpoints.region}`,
  `  data              ${dataDir ?? 'in memory (use --data-dir DIR to keep it)'}`,
  '  subscriber queues (departments, city and county offices from hub.local.json, smoke):',
  ...Object.entries(endpoints.queues).map(([name, url]) => `    ${name.padEnd(22)} ${url}`),
  `  JWKS              ${endpoints.identity.jwksUrl}  (issuer ${endpoints.identity.issuer})`,
  `  sample tokens, valid ${DEFAULT_TOKEN_LIFETIME} (Authorization: Bearer <token>; more: npm run token -- --help):`,
  ...Object.entries(endpoints.tokens).map(([id, token]) => `    ${id.padEnd(28)} ${token}`),
  `  all of this is in ${file}`,
];
console.log(lines.join('\n'));

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: finishing deliveries and stopping…`);
  await hub.stop();
  console.log('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
