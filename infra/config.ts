import type { DerivedOverrides } from '#domain/config.ts';
import { type Department, subscriberSubscription } from '../events/index.ts';

/**
 * Typed configuration of the hub's deployment stages. `infra/app.ts` picks one with `-c stage=<name>`.
 * Everything that differs between environments lives here, never in a construct.
 */

/** How callers of `POST /v1/records` prove who they are (DESIGN.md §6, §7). There is no "none". */
export type IngestAuth =
  /** SigV4-signed requests from callers with AWS identities (HttpIamAuthorizer). */
  | { readonly type: 'iam' }
  /** Bearer JWTs from an OIDC issuer, e.g. the province's own identity provider (HttpJwtAuthorizer). */
  | { readonly type: 'jwt'; readonly issuer: string; readonly audience: readonly string[] };

/** An IAM role that may read one department's queue. */
export interface ConsumerPrincipal {
  /**
   * Account that holds the role.
   * @default - the hub's own account
   */
  readonly accountId?: string;
  /** Name of the role (the ARN is built with the stack's partition). */
  readonly roleName: string;
}

/** Per-department deployment settings; the subscription itself (what, which fields) lives in `events/`. */
export interface DepartmentSettings {
  /**
   * Deliver only events whose `divisionCode` starts with one of these prefixes (2, 4 or 6 digits), e.g.
   * `['3301']` for a Hangzhou city office. Applied to the subscription before it is compiled.
   * @default - the subscription's own filter
   */
  readonly divisionPrefixes?: readonly string[];
  /**
   * The department's consumer, granted receive/delete on its queue and nothing else.
   * @default - no consumer grant (read with the hub account's own administrators only)
   */
  readonly consumer?: ConsumerPrincipal;
  /**
   * Visibility timeout of the department queue: how long a consumer has to process and delete a message.
   * @default 300
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Alarm when the queue's oldest message is older than this: the department stopped consuming or falls
   * behind. The same threshold marks it `backlog` in `GET /v1/subscribers` and the console.
   * @default 3600 (functions/adapters/queue-monitor.ts DEFAULT_OLDEST_MESSAGE_ALARM_SECONDS)
   */
  readonly oldestMessageAlarmSeconds?: number;
}

/**
 * A department's office for a jurisdiction, e.g. the Hangzhou public-security bureau (`public-security@3301`):
 * its own rules, queue and DLQ, the department's projection filtered to the division prefix.
 */
export interface SubscriberSettings extends Omit<DepartmentSettings, 'divisionPrefixes'> {
  /** `<department>@<division prefix>` (2, 4 or 6 digits; `+` joins several). */
  readonly id: string;
}

/** Limits of the ingest path. */
export interface IngestLimits {
  /** Steady-state requests per second on the API stage. */
  readonly rateLimit: number;
  /** Burst of requests above the steady rate. */
  readonly burstLimit: number;
  /** Ingest function timeout; a full submission (500 records) must fit. */
  readonly timeoutSeconds: number;
  /** Ingest function memory (MB); also buys CPU for normalising large submissions. */
  readonly memorySize: number;
  /**
   * Concurrency reserved for (and capping) the ingest function, protecting the table and the account.
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
}

/** Where alarms go. */
export interface AlarmSettings {
  /**
   * Subscribe this address to a new, encrypted alarm topic.
   * @default - no e-mail subscription
   */
  readonly email?: string;
  /**
   * Create the alarm topic even without an e-mail address (subscribe other endpoints later).
   * @default - a topic exists only when `email` is set
   */
  readonly createTopic?: boolean;
  /**
   * Alarm when the publisher's oldest unprocessed stream record is older than this for five minutes: the
   * publisher falls behind the table's stream (whose records expire after 24 hours).
   * @default 600
   */
  readonly publisherIteratorAgeSeconds?: number;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Everything a stage needs. */
export interface StageConfig {
  /** Stage name; part of resource names (`residence-data-hub-<stage>`). */
  readonly stage: string;
  /** Region to deploy to; China regions (`cn-*`) are partition `aws-cn`. */
  readonly region: string;
  /**
   * Target account.
   * @default - environment-agnostic: resolved by CloudFormation at deploy time, so synth needs no credentials
   */
  readonly account?: string;
  /** Protect the record table against deletion (and retain data stores when the stack is deleted). */
  readonly deletionProtection: boolean;
  /** Point-in-time recovery for the record table. */
  readonly pitr: boolean;
  /** Days to keep function and API access logs; must be a value CloudWatch Logs accepts. */
  readonly logRetentionDays: number;
  /** Active X-Ray tracing of the functions; must be off in the China regions (no X-Ray integration there). */
  readonly tracing: boolean;
  readonly logLevel: LogLevel;
  readonly ingestAuth: IngestAuth;
  /**
   * IAM principal ARN → submitter, for `ingestAuth.type === 'iam'` (the ingest function's IAM_SUBMITTERS).
   * @default {}
   */
  readonly iamSubmitters?: Readonly<Record<string, { readonly submitterId: string; readonly role: string }>>;
  readonly ingest: IngestLimits;
  /** Name of the SSM SecureString parameter holding the personKey HMAC secret (created out of band). */
  readonly personKeySecretParameter: string;
  /** Per-department overrides (public-security, housing, hrss, education, health); every department is deployed. */
  readonly departments: { readonly [D in Department]?: DepartmentSettings };
  /**
   * City and county offices of the departments, each with its own queue (the five departments always exist).
   * @default []
   */
  readonly subscribers?: readonly SubscriberSettings[];
  /**
   * Days the bus archive keeps every change event, for `hub replay` (0 = forever).
   * @default 30
   */
  readonly archiveRetentionDays?: number;
  /**
   * What the person index (gsi1) holds besides keys. The code reads only keys, so a new stage takes
   * `keys-only` (a write unit per item entering the index, none for a version that keeps its keys). A stage
   * first deployed when the index held every attribute keeps `all`: CloudFormation cannot change an index's
   * projection in place (docs/deploying.md, "Roll back").
   * @default 'keys-only'
   */
  readonly personIndexProjection?: 'keys-only' | 'all';
  /** @default - alarms without actions */
  readonly alarms?: AlarmSettings;
  /**
   * Overrides of the derived services' rules: eligibility (居住证暂行条例 as the city applies it), late-report
   * deadlines per kind, migrants per coordinator (domain/config.ts; checked at synth).
   * @default - the domain defaults: six months in the city, three days, 800∶1
   */
  readonly derived?: DerivedOverrides;
}

export const STAGES = {
  /** Development in a global region: IAM-signed submissions, disposable data. */
  dev: {
    stage: 'dev',
    region: 'ap-southeast-1',
    deletionProtection: false,
    pitr: true,
    logRetentionDays: 14,
    tracing: true,
    logLevel: 'DEBUG',
    ingestAuth: { type: 'iam' },
    iamSubmitters: {},
    ingest: { rateLimit: 20, burstLimit: 40, timeoutSeconds: 29, memorySize: 1024 },
    personKeySecretParameter: '/residence-data-hub/dev/person-key-secret',
    departments: {},
  },
  /** Production in Ningxia (aws-cn): the province's OIDC issuer, retained and protected data, no X-Ray. */
  prod: {
    stage: 'prod',
    region: 'cn-northwest-1',
    deletionProtection: true,
    pitr: true,
    logRetentionDays: 180,
    tracing: false,
    logLevel: 'INFO',
    ingestAuth: {
      type: 'jwt',
      // Placeholder until the province's identity provider is registered (RFC 2606 reserved name).
      issuer: 'https://oidc.province.example/realms/residence',
      audience: ['residence-data-hub'],
    },
    ingest: {
      rateLimit: 200,
      burstLimit: 400,
      timeoutSeconds: 29,
      memorySize: 1769,
      reservedConcurrency: 100,
    },
    personKeySecretParameter: '/residence-data-hub/prod/person-key-secret',
    departments: {
      'public-security': { consumer: { roleName: 'residence-data-hub-public-security-consumer' } },
      housing: { consumer: { roleName: 'residence-data-hub-housing-consumer' } },
      hrss: { consumer: { roleName: 'residence-data-hub-hrss-consumer' } },
      education: { consumer: { roleName: 'residence-data-hub-education-consumer' } },
      health: { consumer: { roleName: 'residence-data-hub-health-consumer' } },
      justice: { consumer: { roleName: 'residence-data-hub-justice-consumer' } },
      'culture-sports': { consumer: { roleName: 'residence-data-hub-culture-sports-consumer' } },
    },
    alarms: { createTopic: true },
  },
} as const satisfies Record<string, StageConfig>;

export type StageName = keyof typeof STAGES;

/** True for the AWS China regions (partition aws-cn), where X-Ray, Cognito and open routes are unavailable. */
export const isChinaRegion = (region: string): boolean => region.startsWith('cn-');

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = new Set([
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
]);

/** Every reason the configuration cannot be deployed, so a bad stage fails before CloudFormation does. */
export function configProblems(config: StageConfig): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(config.stage))
    problems.push(`stage "${config.stage}": use 1-16 of a-z, 0-9, -`);
  if (config.tracing && isChinaRegion(config.region)) {
    problems.push(`tracing: X-Ray is not integrated with Lambda in ${config.region}; set tracing: false`);
  }
  if (!LOG_RETENTION_DAYS.has(config.logRetentionDays)) {
    problems.push(`logRetentionDays ${config.logRetentionDays} is not a CloudWatch Logs retention period`);
  }
  if (config.ingestAuth.type === 'jwt') {
    if (!config.ingestAuth.issuer.startsWith('https://'))
      problems.push('ingestAuth.issuer must be an https URL');
    if (config.ingestAuth.audience.length === 0)
      problems.push('ingestAuth.audience must name at least one audience');
  }
  if (config.ingest.burstLimit < config.ingest.rateLimit)
    problems.push('ingest.burstLimit must be >= rateLimit');
  if (config.ingest.timeoutSeconds > 29) {
    problems.push('ingest.timeoutSeconds must be <= 29 (the HTTP API integration timeout)');
  }
  if (!config.personKeySecretParameter.startsWith('/')) {
    problems.push('personKeySecretParameter must be a full parameter name starting with "/"');
  }
  const positive = (value: number | undefined) =>
    value === undefined || (Number.isInteger(value) && value > 0);
  if (!positive(config.alarms?.publisherIteratorAgeSeconds))
    problems.push('alarms.publisherIteratorAgeSeconds must be a whole number of seconds above 0');
  for (const [department, settings] of Object.entries(config.departments)) {
    if (!positive(settings.oldestMessageAlarmSeconds))
      problems.push(
        `departments.${department}.oldestMessageAlarmSeconds must be a whole number of seconds above 0`,
      );
    for (const prefix of settings.divisionPrefixes ?? []) {
      if (!/^\d{2}(?:\d{2}){0,2}$/.test(prefix)) {
        problems.push(`departments.${department}.divisionPrefixes: "${prefix}" is not 2, 4 or 6 digits`);
      }
    }
  }
  for (const subscriber of config.subscribers ?? []) {
    try {
      subscriberSubscription(subscriber.id);
    } catch (error) {
      problems.push(`subscribers: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** The configuration of the named stage, checked; throws listing every problem. */
export function stageConfig(name: string): StageConfig {
  if (!Object.hasOwn(STAGES, name)) {
    throw new Error(`Unknown stage "${name}"; known stages: ${Object.keys(STAGES).join(', ')}`);
  }
  const config: StageConfig = STAGES[name as StageName];
  const problems = configProblems(config);
  if (problems.length > 0) throw new Error(`Stage "${name}" is misconfigured:\n- ${problems.join('\n- ')}`);
  return config;
}
