import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RecordStore } from '#functions/adapters/record-store.ts';
import type { EvaluateDeps } from '#functions/derive/evaluate-due.ts';
import { createDeriveHandler } from '#functions/derive/handler.ts';
import { createPublishHandler } from '#functions/publish/handler.ts';
import { logger } from '#functions/runtime/logger.ts';
import { lambdaContext } from '#local/lambda-context.ts';

/** The log lines the functions' logger prints while `run` runs (Powertools prints through its own console). */
async function logLinesOf(run: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const { console: printer } = logger as unknown as { console: Record<string, (line: string) => void> };
  for (const method of ['debug', 'info', 'warn', 'error', 'log'] as const) {
    vi.spyOn(printer, method).mockImplementation((line: string) => void lines.push(line));
  }
  await run();
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('every log line of an invocation carries its request id', () => {
  afterEach(() => vi.restoreAllMocks());

  it('publish', async () => {
    const handler = createPublishHandler({
      store: { putHistories: async () => [] } as unknown as RecordStore,
      eventBridge: {} as EventBridgeClient,
    });
    const context = lambdaContext('publish');
    const lines = await logLinesOf(() => handler({ Records: [] }, context));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.function_request_id).toBe(context.awsRequestId);
  });

  it('derive', async () => {
    const handler = createDeriveHandler({} as EvaluateDeps);
    const context = lambdaContext('derive');
    const lines = await logLinesOf(() => handler({ source: 'elsewhere' }, context));
    expect(lines.map((line) => line.message)).toContain(
      'event ignored: neither a change event with a person nor a scheduled event',
    );
    for (const line of lines) expect(line.function_request_id).toBe(context.awsRequestId);
  });
});
