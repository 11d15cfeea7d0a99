// The published figures the capacity plan rests on: AWS's default quotas and list prices, each with where and
// when it was read. Change a figure here, with its source, when AWS publishes a new one.

/** When the quotas and prices below were read from the pages named. */
export const READ_ON = '2026-11-26';

export interface Source {
  title: string;
  url: string;
}

export const EVENTBRIDGE_SOURCE: Source = {
  title: 'Amazon EventBridge quotas',
  url: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html',
};

/** A default that differs by region: the regions AWS lists, and its "each other supported Region" value. */
export interface RegionalDefault {
  listed: Readonly<Record<string, number>>;
  otherRegions: number;
}

/**
 * EventBridge's per-region defaults (requests or invocations per second, per account). The China regions are
 * not listed, in the global guide nor in its docs.amazonaws.cn copy, so they take "each other supported Region".
 */
export const EVENTBRIDGE_DEFAULTS = {
  putEventsPerSecond: {
    listed: {
      'us-east-1': 10_000,
      'us-east-2': 2_400,
      'us-west-1': 1_200,
      'us-west-2': 10_000,
      'ap-northeast-1': 1_200,
      'ap-southeast-1': 1_200,
      'ap-southeast-2': 1_200,
      'eu-central-1': 2_400,
      'eu-west-1': 10_000,
      'eu-west-2': 1_200,
    },
    otherRegions: 600,
  },
  invocationsPerSecond: {
    listed: {
      'us-east-1': 18_750,
      'us-east-2': 4_500,
      'us-west-1': 2_250,
      'us-west-2': 18_750,
      'af-south-1': 750,
      'ap-northeast-1': 2_250,
      'ap-northeast-3': 750,
      'ap-southeast-1': 2_250,
      'ap-southeast-2': 2_250,
      'ap-southeast-3': 750,
      'eu-central-1': 4_500,
      'eu-south-1': 750,
      'eu-west-1': 18_750,
      'eu-west-2': 2_250,
    },
    otherRegions: 1_100,
  },
} as const satisfies Record<string, RegionalDefault>;

/** A region's value of a regional default, and whether AWS lists the region or "other regions" applies. */
export function regionalDefault(quota: RegionalDefault, region: string): { value: number; listed: boolean } {
  const listed = quota.listed[region];
  return listed === undefined
    ? { value: quota.otherRegions, listed: false }
    : { value: listed, listed: true };
}

/** Defaults that are the same in every region AWS documents (the China regions publish none of their own). */
export const FLAT_DEFAULTS = {
  lambdaConcurrency: {
    value: 1_000,
    adjustable: true,
    source: {
      title: 'Lambda quotas',
      url: 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html',
    },
  },
  httpApiRequestsPerSecond: {
    value: 10_000,
    adjustable: true,
    source: {
      title: 'Quotas for HTTP APIs (per account and region; burst 5,000)',
      url: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html',
    },
  },
  tableWriteUnitsPerSecond: {
    value: 40_000,
    adjustable: true,
    source: {
      title: 'DynamoDB quotas: on-demand throughput per table',
      url: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html',
    },
  },
  partitionWriteUnitsPerSecond: {
    value: 1_000,
    adjustable: false,
    source: {
      title: 'DynamoDB partitions: 1,000 WCU (and 3,000 RCU) per partition',
      url: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html',
    },
  },
} as const;

/** A list price: USD per unit (a request, a GB-second, a request unit, a 64 KB event or message). */
export interface Price {
  usd: number;
  source: Source;
}

const pricing = (service: string, path: string): Source => ({
  title: `${service} pricing`,
  url: `https://aws.amazon.com/${path}/`,
});
const LAMBDA = pricing('AWS Lambda', 'lambda/pricing');
const DYNAMODB = pricing('Amazon DynamoDB on-demand', 'dynamodb/pricing/on-demand');

/**
 * List prices of US East (N. Virginia), in USD, first tier, x86 Lambda: the reference the plan prices with.
 * The China regions bill in CNY at the prices on amazonaws.cn.
 */
export const PRICES = {
  /** Per HTTP API request (metered in 512 KB units). */
  apiRequest: { usd: 1.0 / 1e6, source: pricing('Amazon API Gateway', 'api-gateway/pricing') },
  lambdaRequest: { usd: 0.2 / 1e6, source: LAMBDA },
  lambdaGbSecond: { usd: 0.0000166667, source: LAMBDA },
  writeRequestUnit: { usd: 0.625 / 1e6, source: DYNAMODB },
  readRequestUnit: { usd: 0.125 / 1e6, source: DYNAMODB },
  /** Per custom event (64 KB chunk). */
  customEvent: { usd: 1.0 / 1e6, source: pricing('Amazon EventBridge', 'eventbridge/pricing') },
  /** Per standard-queue request (64 KB chunk). */
  queueRequest: { usd: 0.4 / 1e6, source: pricing('Amazon SQS', 'sqs/pricing') },
} as const satisfies Record<string, Price>;

/** The one China-region price read, to show the currency and the order of magnitude there. */
export const CHINA_PRICE_EXAMPLE = {
  text: 'DynamoDB on-demand writes ¥11.1538 per million write request units',
  source: {
    title: 'Amazon DynamoDB pricing, China regions',
    url: 'https://www.amazonaws.cn/en/dynamodb/pricing/',
  },
};
