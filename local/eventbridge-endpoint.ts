import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { PUT_EVENTS_MAX_ENTRIES } from '#functions/adapters/service-limits.ts';

export interface PutEventsTarget {
  putEvents(
    entries: PutEventsRequestEntry[],
  ): Promise<{ FailedEntryCount: number; Entries: PutEventsResultEntry[] }>;
}

/**
 * The EventBridge wire protocol (JSON 1.1, `AWSEvents.PutEvents`) in front of the local bus, so the publish
 * handler's real EventBridge client runs unchanged with only its endpoint pointed here.
 */
export async function startEventBridgeEndpoint(
  bus: PutEventsTarget,
  port = 0,
): Promise<{ endpoint: string; server: Server }> {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    };
    const target = request.headers['x-amz-target'];
    if (target !== 'AWSEvents.PutEvents') {
      return reply(400, {
        __type: 'UnknownOperationException',
        message: `The local bus supports PutEvents only, not ${target}`,
      });
    }
    try {
      const { Entries } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        Entries?: PutEventsRequestEntry[];
      };
      if (!Array.isArray(Entries) || Entries.length < 1 || Entries.length > PUT_EVENTS_MAX_ENTRIES) {
        return reply(400, {
          __type: 'ValidationException',
          message: `Entries must hold 1 to ${PUT_EVENTS_MAX_ENTRIES} entries`,
        });
      }
      reply(200, await bus.putEvents(Entries));
    } catch (error) {
      reply(500, { __type: 'InternalException', message: (error as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${bound}`, server };
}
