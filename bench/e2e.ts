import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { localSqsClient } from '#local/emulators/clients.ts';
import { startHub } from '#local/hub.ts';
import { itemWrites } from '#local/request-meter.ts';
import { sampleIdNumber } from '#local/sample-data.ts';

// Local end-to-end figures under one load (batches of 100 residence registrations, each a new person in
// Xihu district): throughput from the first POST until every department queue that receives registrations
// holds all their events; p50/p99 latency per record from its batch's POST to its arrival in the
// public-security queue; statistics lag from the last POST's answer until `GET /v1/stats` counts every
// accepted person; DynamoDB items written per accepted record once everything has settled.

const BATCH = 100;
const IN_FLIGHT = 4;
/** Departments whose subscriptions include residence registrations. */
const RECEIVING = ['public-security', 'hrss', 'education', 'health'];
const DIVISION = '330106';
/** How often the statistics are read while waiting for them to count everyone. */
const STATS_POLL_MS = 50;

export interface EndToEndFigures {
  records: number;
  recordsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** From the last POST's answer until `GET /v1/stats` counted every accepted person. */
  statsLagMs: number;
  /** DynamoDB items written (every table, every item kind) per accepted record, after settling. */
  itemWritesPerRecord: number;
  /** DynamoDB calls per accepted record, by operation. */
  callsPerRecord: Record<string, number>;
  /**
   * CPU time of the whole process (every thread: the hub, the emulators, this benchmark's readers) per
   * accepted record, from the first POST until everything settled: a figure a busy machine skews less.
   */
  cpuMsPerRecord: number;
}

export async function benchEndToEnd(n = 5_000): Promise<EndToEndFigures> {
  const hub = await startHub({ port: 0 });
  const { apiUrl, queues, tokens, sqsEndpoint, region } = hub.endpoints;
  const sqs = localSqsClient(sqsEndpoint, { region });
  // An event can arrive before its POST has answered, so arrivals and sends are matched up at the end. An
  // arrival is when the queue took the message (its SentTimestamp), not when this reader got round to it.
  const postedAt = new Map<string, number>();
  const arrivedAt = new Map<string, number>();
  let stopReceiving = false;
  const receiver = receiveAll(
    sqs,
    queues['public-security'] ?? '',
    (body, at) => arrivedAt.set(JSON.parse(body).recordId, at),
    () => stopReceiving,
  );

  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const batches = Array.from({ length: Math.ceil(n / BATCH) }, (_, b) =>
    registrations(b * BATCH, Math.min(BATCH, n - b * BATCH)),
  );
  let next = 0;
  let accepted = 0;
  let lastAnswer = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < batches.length) {
        const records = batches[next++] ?? [];
        const sent = Date.now(); // on SQS's clock: the queue stamps each message's arrival (SentTimestamp)
        const response = await fetch(`${apiUrl}/v1/records`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${tokens['landlord-wang-fang']}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ records }),
        });
        const body = (await response.json()) as { results: Array<{ status: string; recordId: string }> };
        lastAnswer = performance.now();
        for (const result of body.results) {
          if (result.status === 'accepted') {
            accepted += 1;
            postedAt.set(result.recordId, sent);
          }
        }
      }
    }),
  );
  const counted = waitForStats(apiUrl, tokens['dept-public-security-xihu'] ?? '', accepted).then(
    () => performance.now() - lastAnswer,
  );
  await waitForCounts(
    sqs,
    RECEIVING.filter((d) => d !== 'public-security').map((d) => queues[d] ?? ''),
    accepted,
  );
  while (arrivedAt.size < accepted) await sleep(5);
  const seconds = (performance.now() - started) / 1000;
  stopReceiving = true;
  await receiver;
  const statsLagMs = await counted;
  await hub.settle();
  const cpu = process.cpuUsage(cpuAtStart);

  const latencies = [...postedAt].map(([recordId, sent]) => (arrivedAt.get(recordId) ?? Number.NaN) - sent);
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const calls = await hub.dynamoDbRequests();
  const figures: EndToEndFigures = {
    records: accepted,
    recordsPerSecond: accepted / seconds,
    latencyP50Ms: percentile(50),
    latencyP99Ms: percentile(99),
    statsLagMs,
    itemWritesPerRecord: itemWrites(calls) / accepted,
    cpuMsPerRecord: (cpu.user + cpu.system) / 1000 / accepted,
    callsPerRecord: Object.fromEntries(
      Object.entries(calls).map(([operation, count]) => [operation, count.calls / accepted]),
    ),
  };
  const perRecord = Object.entries(figures.callsPerRecord)
    .sort(([, a], [, b]) => b - a)
    .map(([operation, n]) => `${operation} ${n.toFixed(2)}`)
    .join(', ');
  console.log(
    `local hub end to end, ${accepted.toLocaleString('en')} residence registrations in batches of ${BATCH}, ${IN_FLIGHT} in flight:`,
  );
  console.log(
    `  throughput POST → ${RECEIVING.length} department queues: ${Math.round(figures.recordsPerSecond).toLocaleString('en')} records/s`,
  );
  console.log(
    `  latency POST → public-security queue: p50 ${figures.latencyP50Ms.toFixed(0)} ms, p99 ${figures.latencyP99Ms.toFixed(0)} ms (target p99 ≤ 2,000 ms)`,
  );
  console.log(
    `  statistics lag, last POST answered → GET /v1/stats counts every person: ${(statsLagMs / 1000).toFixed(1)} s (target ≤ 2 s)`,
  );
  console.log(
    `  DynamoDB items written per accepted record, all items: ${figures.itemWritesPerRecord.toFixed(2)} (target ≤ 4)`,
  );
  console.log(`  DynamoDB calls per accepted record: ${perRecord}`);
  console.log(
    `  CPU per accepted record, whole process (hub, emulators, these readers): ${figures.cpuMsPerRecord.toFixed(1)} ms`,
  );
  sqs.destroy();
  await hub.stop();
  return figures;
}

function registrations(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const k = from + i;
    const birth = new Date(Date.UTC(1970, 0, 1) + (k % 9000) * 86_400_000).toISOString().slice(0, 10);
    return {
      kind: 'residence-registration',
      sourceId: `bench-${k}`,
      data: {
        person: {
          idNumber: sampleIdNumber('330106', birth, 1 + Math.floor(k / 9000)),
          name: '测试',
          phone: '13800138000',
        },
        address: { divisionCode: DIVISION, detail: `文三路${1 + (k % 500)}号` },
        residenceType: 'rented',
        movedInOn: '2024-03-01',
      },
    };
  });
}

/** Long-polls a queue, handing each message with the time the queue took it to `onMessage`, until told to stop. */
async function receiveAll(
  sqs: SQSClient,
  queueUrl: string,
  onMessage: (body: string, at: number) => void,
  stop: () => boolean,
) {
  while (!stop()) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    for (const message of Messages) {
      onMessage(message.Body ?? '{}', Number(message.Attributes?.SentTimestamp ?? Number.NaN));
    }
    if (Messages.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
  }
}

/** Reads the division's statistics until they count `expected` registered persons. */
async function waitForStats(apiUrl: string, token: string, expected: number): Promise<void> {
  for (;;) {
    const response = await fetch(`${apiUrl}/v1/stats?division=${DIVISION}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`GET /v1/stats answered ${response.status}`);
    const { registered } = (await response.json()) as { registered: number };
    if (registered >= expected) return;
    await sleep(STATS_POLL_MS);
  }
}

async function waitForCounts(sqs: SQSClient, queueUrls: string[], expected: number): Promise<void> {
  for (const queueUrl of queueUrls) {
    for (;;) {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      if (Number(Attributes?.ApproximateNumberOfMessages ?? 0) >= expected) break;
      await sleep(20);
    }
  }
}

if (import.meta.main) await benchEndToEnd(Number(process.argv[2] ?? 5_000));
