import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countThrottledPutEvents, FlowMetrics } from '#functions/adapters/hub-metrics.ts';
import { flowTally } from '#functions/ingest/flow.ts';
import type { RecordResult } from '#functions/ingest/submit.ts';

/** The EMF documents Powertools writes to stdout (CloudWatch Logs turns them into metrics). */
function captureEmf(): { documents: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return { documents: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

const error = (code: string) =>
  ({ path: 'data.person.idNumber', code, message: '…' }) as RecordResult['errors'][number];
const RESULTS: RecordResult[] = [
  { index: 0, status: 'accepted', errors: [] },
  { index: 1, status: 'accepted', errors: [] },
  { index: 2, status: 'unchanged', errors: [] },
  // Two errors of one code count the record once; a record with two codes counts for each.
  { index: 3, status: 'rejected', errors: [error('ID_NUMBER_CHECKSUM'), error('ID_NUMBER_CHECKSUM')] },
  { index: 4, status: 'rejected', errors: [error('ID_NUMBER_CHECKSUM'), error('PHONE_FORMAT')] },
];

describe('the flow of a batch', () => {
  it('counts records by status and rejected records by error code', () => {
    expect(flowTally(RESULTS)).toEqual({
      accepted: 2,
      unchanged: 1,
      rejected: 2,
      codes: new Map([
        ['ID_NUMBER_CHECKSUM', 2],
        ['PHONE_FORMAT', 1],
      ]),
    });
  });

  it('becomes EMF metrics: the statuses together, each code with the code as its only own dimension', () => {
    const emf = captureEmf();

    new FlowMetrics(new Metrics({ namespace: 'ResidenceDataHub/test', serviceName: 'ingest' })).add(
      new Date(),
      flowTally(RESULTS),
    );

    const [statuses, ...codes] = emf.documents();
    expect(statuses).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'ResidenceDataHub/test', Dimensions: [['service']] }] },
      service: 'ingest',
      RecordsAccepted: 2,
      RecordsUnchanged: 1,
      RecordsRejected: 2,
    });
    expect(
      codes.map((document) => ({
        dimensions: (document._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] })
          .CloudWatchMetrics[0]?.Dimensions,
        code: document.code,
        value: document.RecordsRejectedByCode,
      })),
    ).toEqual([
      { dimensions: [['service', 'code']], code: 'ID_NUMBER_CHECKSUM', value: 2 },
      { dimensions: [['service', 'code']], code: 'PHONE_FORMAT', value: 1 },
    ]);
  });

  it('counts throttled PutEvents entries as a metric of the publisher', () => {
    const emf = captureEmf();

    countThrottledPutEvents(new Metrics({ namespace: 'ResidenceDataHub/test', serviceName: 'publish' }))(7);

    expect(emf.documents()).toMatchObject([{ service: 'publish', PutEventsThrottled: 7 }]);
  });
});
