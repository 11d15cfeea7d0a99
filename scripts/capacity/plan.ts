import {
  compileSubscription,
  detailTypeOf,
  type EventKind,
  SUBSCRIPTIONS,
  type Subscription,
  sampleDetail,
} from '#events/index.ts';
import type { StageConfig } from '../../infra/config.ts';
import {
  CHINA_PRICE_EXAMPLE,
  EVENTBRIDGE_DEFAULTS,
  EVENTBRIDGE_SOURCE,
  FLAT_DEFAULTS,
  PRICES,
  type Price,
  READ_ON,
  regionalDefault,
  type Source,
} from './reference.ts';

/*
 * The capacity plan of a deployed stage: what one record costs each quota and each service, from the stage
 * config and the compiled subscription catalogue, and what that allows. Pure: the CLI (main.ts) prints it.
 *
 * What is counted and what is assumed:
 * - Fan-out is read from the compiled rules: the department queues whose rules take the kind's `Created`
 *   event (division filters ignored: a province-wide load matches them all), plus the derive rule for events
 *   with a personKey (infra/constructs/derived-services.ts).
 * - Store and bus requests follow the code: ingest reads each record's current item and writes one conditional
 *   PutItem; the publisher writes one history entry and puts events 10 to a PutEvents call, the record's change
 *   event and the derived event of the profile version it causes; the derive function reads its queue in
 *   batches and writes the person's profile once; a new record and its person's profile each add an entry to
 *   the keys-only person index (a later version that keeps its keys adds none); the statistics function adds
 *   a stream batch's deltas with one write per division it touches (functions/adapters/stats-store.ts,
 *   STATISTICS below).
 * - Durations and item sizes are ASSUMED: replace them with CloudWatch figures after a load test.
 */

/** Lambda memory (MB) of the functions the stage config does not size (infra/constructs/hub-function.ts). */
const DEFAULT_MEMORY_MB = 512;
/** Records per PutEvents call (the API's maximum) and per publisher batch (infra/constructs/publisher.ts). */
const EVENTS_PER_PUT = 10;
const PUBLISHER_BATCH = 100;
/** Events per derive invocation (infra/constructs/derived-services.ts). */
const DERIVE_BATCH = 100;

/** A keys-only index entry is far below 1 KB: one write unit (infra/constructs/record-table.ts). */
const KEYS_ONLY_INDEX_ENTRY_WRU = 1;

/** Assumptions, not measurements: the figures to replace after the first load test in the region. */
export const ASSUMED = {
  /** Ingest Lambda time per record inside a full request (normalise, read, conditional put). */
  ingestMsPerRecord: 2,
  /** Publisher Lambda time per batch of 100 stream records (history BatchWriteItem, 10 PutEvents). */
  publisherMsPerBatch: 400,
  /** Derive Lambda time per event in a batch of 100 (shared reads, one index query and one write per person). */
  deriveMsPerEvent: 50,
  /** Statistics Lambda time per stream batch of 1,000 profile changes (one write per division touched). */
  statisticsMsPerBatch: 500,
  /** Size of a record as submitted (JSON) and as a stored item with provenance, KB. */
  recordJsonKb: 1,
  recordItemKb: 2,
  /** Size of a person profile item, KB (every write of it is charged on its whole size). */
  profileItemKb: 3,
  /** Size of a division's statistics item (every counter of the division, its stream shards' watermarks), KB. */
  statisticsItemKb: 4,
  /** Divisions a stream batch of 1,000 profile changes touches in a province-wide load (1 + 11 + 100). */
  divisionsPerStatisticsBatch: 112,
} as const;

/**
 * How the statistics write (functions/adapters/stats-store.ts): a stream batch of up to 1,000 profile changes
 * (infra/constructs/statistics.ts) adds its deltas with one UpdateItem per division it touches, on that
 * division's item. The province's item is the hottest key of a load: every batch writes it once (spread over
 * 8 counter shards by stream shard; the plan takes the worst case, every batch on one).
 */
const STATISTICS = { batch: 1000 };

export interface PlanInput {
  stage: StageConfig;
  kind: EventKind;
  /** Records per POST /v1/records (1 to 500). */
  recordsPerRequest: number;
  /** The load to plan for: this many records in this many hours. */
  targetRecords: number;
  targetHours: number;
  subscriptions?: readonly Subscription[];
}

/** One limit: its default, what a record takes of it, and the records per second that allows. */
export interface Limit {
  name: string;
  quota: number;
  unit: string;
  perRecord: number;
  recordsPerSecond: number;
  adjustable: boolean;
  source: Source;
  note?: string;
}

export interface CostLine {
  service: string;
  arithmetic: string;
  usd: number;
  source: Source;
}

export interface CapacityPlan {
  input: PlanInput;
  queues: string[];
  derives: boolean;
  limits: Limit[];
  binding: Limit;
  targetPerSecond: number;
  costs: CostLine[];
}

export function capacityPlan(input: PlanInput): CapacityPlan {
  const { stage, kind, recordsPerRequest: batch } = input;
  const created = detailTypeOf(kind, 'created');
  const queues = (input.subscriptions ?? SUBSCRIPTIONS)
    .filter((subscription) =>
      compileSubscription(subscription).some((rule) => rule.eventPattern['detail-type'].includes(created)),
    )
    .map((subscription) => subscription.name);
  const derives = 'personKey' in sampleDetail(kind, 'created');

  const ingestSeconds = ASSUMED.ingestMsPerRecord / 1000;
  const publisherSeconds = ASSUMED.publisherMsPerBatch / 1000 / PUBLISHER_BATCH;
  const deriveSeconds = derives
    ? ASSUMED.deriveMsPerEvent / 1000 + ASSUMED.statisticsMsPerBatch / 1000 / STATISTICS.batch
    : 0;
  const statisticsWrites = derives
    ? (ASSUMED.divisionsPerStatisticsBatch / STATISTICS.batch) * ASSUMED.statisticsItemKb
    : 0;
  const profileWrites = derives ? ASSUMED.profileItemKb : 0;
  // The person index holds keys only: one unit as a new record enters it, one as its profile gets a due date.
  const indexWrites = derives ? 2 * KEYS_ONLY_INDEX_ENTRY_WRU : 0;
  const writeUnits = ASSUMED.recordItemKb * 2 + indexWrites + profileWrites + statisticsWrites; // + history
  // Every record writes items of its own; only the statistics write one key (a province's) for every batch.
  const hottestWrites = ASSUMED.statisticsItemKb / STATISTICS.batch;
  // The change event, and the derived event of the profile version it causes (published from the stream).
  const putEvents = (1 + (derives ? 1 : 0)) / EVENTS_PER_PUT;
  const invocations = queues.length + (derives ? 1 : 0);

  const region = stage.region;
  const china = region.startsWith('cn-');
  const putEventsQuota = regionalDefault(EVENTBRIDGE_DEFAULTS.putEventsPerSecond, region);
  const invocationsQuota = regionalDefault(EVENTBRIDGE_DEFAULTS.invocationsPerSecond, region);
  const unlisted = (listed: boolean) =>
    listed
      ? undefined
      : `${region} not listed${china ? ' (China regions publish none)' : ''}: "each other supported Region"`;
  const limit = (entry: Omit<Limit, 'recordsPerSecond'>): Limit => ({
    ...entry,
    recordsPerSecond: entry.quota / entry.perRecord,
  });
  const reserved = stage.ingest.reservedConcurrency;
  const limits: Limit[] = [
    limit({
      name: 'API stage throttle (stage config ingest.rateLimit)',
      quota: stage.ingest.rateLimit,
      unit: 'requests/s',
      perRecord: 1 / batch,
      adjustable: true,
      source: { title: 'infra/config.ts', url: 'infra/config.ts' },
    }),
    limit({
      name: 'API Gateway HTTP API, account',
      quota: FLAT_DEFAULTS.httpApiRequestsPerSecond.value,
      unit: 'requests/s',
      perRecord: 1 / batch,
      adjustable: true,
      source: FLAT_DEFAULTS.httpApiRequestsPerSecond.source,
    }),
    ...(reserved === undefined
      ? []
      : [
          limit({
            name: 'ingest reserved concurrency (stage config)',
            quota: reserved,
            unit: 'concurrent executions',
            perRecord: ingestSeconds,
            adjustable: true,
            source: { title: 'infra/config.ts', url: 'infra/config.ts' },
          }),
        ]),
    limit({
      name: 'Lambda concurrency, account (ingest + publisher + derive + statistics)',
      quota: FLAT_DEFAULTS.lambdaConcurrency.value,
      unit: 'concurrent executions',
      perRecord: ingestSeconds + publisherSeconds + deriveSeconds,
      adjustable: true,
      source: FLAT_DEFAULTS.lambdaConcurrency.source,
    }),
    limit({
      name: 'EventBridge PutEvents',
      quota: putEventsQuota.value,
      unit: 'requests/s',
      perRecord: putEvents,
      adjustable: true,
      source: EVENTBRIDGE_SOURCE,
      ...withNote(unlisted(putEventsQuota.listed)),
    }),
    limit({
      name: 'EventBridge target invocations',
      quota: invocationsQuota.value,
      unit: 'invocations/s',
      perRecord: invocations,
      adjustable: true,
      source: EVENTBRIDGE_SOURCE,
      ...withNote(unlisted(invocationsQuota.listed)),
    }),
    limit({
      name: 'DynamoDB on-demand table writes',
      quota: FLAT_DEFAULTS.tableWriteUnitsPerSecond.value,
      unit: 'WRU/s',
      perRecord: writeUnits,
      adjustable: true,
      source: FLAT_DEFAULTS.tableWriteUnitsPerSecond.source,
    }),
    ...(derives
      ? [
          limit({
            name: 'DynamoDB partition writes (a province’s statistics item)',
            quota: FLAT_DEFAULTS.partitionWriteUnitsPerSecond.value,
            unit: 'WCU/s',
            perRecord: hottestWrites,
            adjustable: false,
            source: FLAT_DEFAULTS.partitionWriteUnitsPerSecond.source,
          }),
        ]
      : []),
  ];
  const binding = limits.reduce((lowest, next) =>
    next.recordsPerSecond < lowest.recordsPerSecond ? next : lowest,
  );

  const million = 1e6;
  const apiUnits = Math.ceil((batch * ASSUMED.recordJsonKb) / 512);
  const lambdaRequests =
    1 / batch + 1 / PUBLISHER_BATCH + (derives ? 1 / DERIVE_BATCH + 1 / STATISTICS.batch : 0);
  const ingestGb = stage.ingest.memorySize / 1024;
  const otherGb = DEFAULT_MEMORY_MB / 1024;
  const gbSeconds = ingestSeconds * ingestGb + (publisherSeconds + deriveSeconds) * otherGb;
  const readUnits = 1 + (derives ? 3 : 0); // the record's current item; the profile, its records, its index entries
  const customEvents = 1 + (derives ? 1 : 0); // the change event; the derived PersonProfile.Updated
  // SendMessage, plus the consumer's receive and delete by 10; the derive queue's likewise.
  const queueRequests = (queues.length + (derives ? 1 : 0)) * 1.2;
  const line = (service: string, perRecord: number, price: Price, how: string): CostLine => ({
    service,
    arithmetic: `${how} = ${format(perRecord * million)} × $${trim(price.usd * million)}/M`,
    usd: perRecord * price.usd * million,
    source: price.source,
  });
  const costs: CostLine[] = [
    line(
      'API Gateway',
      apiUnits / batch,
      PRICES.apiRequest,
      `1,000,000 / ${batch} records × ${apiUnits} unit(s)`,
    ),
    line(
      'Lambda requests',
      lambdaRequests,
      PRICES.lambdaRequest,
      'ingest + publisher (per 100) + derive (per 100) + statistics (per 1,000)',
    ),
    {
      service: 'Lambda duration',
      arithmetic:
        `(${ingestSeconds}s × ${trim(ingestGb)} GB + ${trim(publisherSeconds)}s × ${otherGb} GB` +
        ` + ${deriveSeconds}s × ${otherGb} GB) × 1,000,000 = ${format(gbSeconds * million)} GB-s` +
        ` × $${PRICES.lambdaGbSecond.usd}`,
      usd: gbSeconds * million * PRICES.lambdaGbSecond.usd,
      source: PRICES.lambdaGbSecond.source,
    },
    line(
      'DynamoDB writes',
      writeUnits,
      PRICES.writeRequestUnit,
      'record + history + person index + profile + statistics WRU',
    ),
    line('DynamoDB reads', readUnits, PRICES.readRequestUnit, 'ingest + derive RRU'),
    line('EventBridge', customEvents, PRICES.customEvent, 'change event + derived event'),
    line(
      'SQS',
      queueRequests,
      PRICES.queueRequest,
      `${queues.length + (derives ? 1 : 0)} queue(s) × 1.2 requests`,
    ),
  ];

  return {
    input,
    queues,
    derives,
    limits,
    binding,
    targetPerSecond: input.targetRecords / (input.targetHours * 3600),
    costs,
  };
}

/** The plan as Markdown: the README's deployment section holds exactly this for `--stage prod`. */
export function formatPlan(plan: CapacityPlan): string {
  const { input, binding } = plan;
  const { stage, kind } = input;
  const fanOut = [
    `${plan.queues.length} department queue(s) (${plan.queues.join(', ')})`,
    ...(plan.derives ? ['the derive queue'] : []),
  ].join(' and ');
  const lines = [
    `Stage \`${stage.stage}\` in ${stage.region}, ${kind} records, ${input.recordsPerRequest} per request; ` +
      `quotas and prices read ${READ_ON}.`,
    '',
    `Each record's change event reaches ${fanOut}.`,
    '',
    ...table(
      ['limit (default quota)', 'quota', 'per record', 'records/s'],
      plan.limits.map((limit) => [
        `[${limit.name}](${limit.source.url})${limit.note ? ` — ${limit.note}` : ''}`,
        `${format(limit.quota)} ${limit.unit}`,
        trim(limit.perRecord),
        format(limit.recordsPerSecond),
      ]),
    ),
    '',
    `**Sustained: ${format(binding.recordsPerSecond)} records/s, bound first by ${binding.name}.**`,
    '',
    `${format(input.targetRecords)} records in ${input.targetHours} h = ` +
      `${format(plan.targetPerSecond)} records/s needs:`,
    '',
    ...plan.limits.map((limit) => {
      const needed = limit.perRecord * plan.targetPerSecond;
      if (needed <= limit.quota)
        return `- ${limit.name}: ${format(needed)} of ${format(limit.quota)}, enough.`;
      return limit.adjustable
        ? `- ${limit.name}: **raise ${format(limit.quota)} → ${format(Math.ceil(needed))} ${limit.unit}**.`
        : `- ${limit.name}: ${format(needed)} ${limit.unit} on one partition, over the fixed ` +
            `${format(limit.quota)}: **needs a design change** (fewer writes to its hottest key), no quota increase exists.`;
    }),
    '',
    'Cost per million records (US East list prices in USD, first tier, x86; the China regions bill in CNY at',
    `amazonaws.cn prices, e.g. [${CHINA_PRICE_EXAMPLE.text}](${CHINA_PRICE_EXAMPLE.source.url})):`,
    '',
    ...table(
      ['service', 'arithmetic', 'USD'],
      [
        ...plan.costs.map((cost) => [
          `[${cost.service}](${cost.source.url})`,
          cost.arithmetic,
          money(cost.usd),
        ]),
        ['**total**', '', `**${money(plan.costs.reduce((sum, cost) => sum + cost.usd, 0))}**`],
      ],
    ),
    '',
    'Not counted: storage, logs, KMS, data transfer, free tiers. Assumed, to be replaced by measured figures: ' +
      Object.entries(ASSUMED)
        .map(([name, value]) => `${name} ${value}`)
        .join(', ') +
      '.',
  ];
  return `${lines.join('\n')}\n`;
}

/** A Markdown table as Biome formats one (the README's copy is linted): padded, first column left, the rest right. */
function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0))).join(' | ')} |`;
  const rule = widths.map((width, column) =>
    column === 0 ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`,
  );
  return [line(headers), `| ${rule.join(' | ')} |`, ...rows.map(line)];
}

function withNote(note: string | undefined): { note?: string } {
  return note === undefined ? {} : { note };
}

/** A figure with thousands separators, whole above 100, else up to 3 significant digits. */
function format(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : trim(value);
}

function money(usd: number): string {
  return usd >= 1 ? usd.toFixed(2) : trim(usd);
}

function trim(value: number): string {
  return Number(value.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 10 });
}
