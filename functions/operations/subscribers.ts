import type { SubscriberState, SubscribersResponse } from '#api/operations-api.ts';
import type { QueueMonitor, SubscriberReading, WatchedQueue } from '../adapters/queue-monitor.ts';
import { requireAuditRight } from '../http/department-caller.ts';
import type { Submitter } from '../http/submitter.ts';

/** Dead letters first (something was lost to the consumer), then a backlog older than the alarm allows. */
export function subscriberState(
  reading: SubscriberReading,
  oldestMessageAlarmSeconds: number,
): SubscriberState {
  if (reading.deadLetterQueue.messages > 0) return 'dead-letters';
  const age = reading.queue.oldestMessageAgeSeconds;
  return age !== null && age > oldestMessageAlarmSeconds ? 'backlog' : 'ok';
}

/**
 * `GET /v1/subscribers`: each subscriber's queue depth, oldest message age, dead letters and deliveries of the
 * last hour, with its state. A caller with the audit right `true` sees its own department's subscribers,
 * `"all"` every subscriber (the leading-group office).
 */
export async function subscriberQueues(
  caller: Submitter,
  deps: { queues: readonly WatchedQueue[]; monitor: QueueMonitor; now: () => Date },
): Promise<SubscribersResponse> {
  const { department, audit } = requireAuditRight(caller, 'Reading the subscribers’ queues');
  const visible = deps.queues.filter((queue) => audit === 'all' || queue.department === department);
  const now = deps.now();
  const readings = await deps.monitor.read(visible, now);
  return {
    at: now.toISOString(),
    subscribers: visible.flatMap((queue) => {
      const reading = readings.get(queue.name);
      if (reading === undefined) return [];
      return [
        {
          name: queue.name,
          department: queue.department,
          ...reading,
          oldestMessageAlarmSeconds: queue.oldestMessageAlarmSeconds,
          state: subscriberState(reading, queue.oldestMessageAlarmSeconds),
        },
      ];
    }),
  };
}
