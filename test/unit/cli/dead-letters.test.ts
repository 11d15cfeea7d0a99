import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { describeDeadLetter, maskRecordId, redriveBody } from '../../../cli/dead-letters.ts';
import { projectFor, routedEvent, sampleDetail, subscriberRules } from '../../../events/index.ts';

const detail = { ...sampleDetail('residence-registration', 'updated'), divisionCode: '330106' };
const event = {
  ...routedEvent('ResidenceRegistration.Updated', detail),
  id: 'e-1',
  time: '2026-11-20T01:00:00Z',
};
const rules = subscriberRules('health@330106');

/** What EventBridge dead-letters when it cannot deliver: the original event, the reason as attributes. */
const busFailure: Message = {
  Body: JSON.stringify(event),
  MessageAttributes: {
    ERROR_CODE: { DataType: 'String', StringValue: 'SQS_DELIVERY_FAILED' },
    ERROR_MESSAGE: { DataType: 'String', StringValue: 'throttled' },
  },
  Attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.parse('2026-11-20T01:00:05Z')) },
};
/** What SQS moves after maxReceiveCount: the projected message as the consumer got it. */
const consumerFailure: Message = {
  Body: projectFor(rules, event) ?? '',
  Attributes: {
    ApproximateReceiveCount: '7',
    ApproximateFirstReceiveTimestamp: String(Date.parse('2026-11-20T01:02:00Z')),
  },
};

describe('dead letters', () => {
  it('re-projects a bus failure for the subscriber, never passing the whole detail on', () => {
    const body = redriveBody(busFailure, rules) ?? '';

    expect(body).toBe(projectFor(rules, event));
    expect(JSON.parse(body).record.person).not.toHaveProperty('idNumber');
    expect(redriveBody(busFailure, subscriberRules('health@3302'))).toBeUndefined();
  });

  it('moves a consumer failure back as it is', () => {
    expect(redriveBody(consumerFailure, rules)).toBe(consumerFailure.Body);
  });

  it('says why each waits, its receives before this listing, with the record id masked', () => {
    expect(describeDeadLetter(busFailure)).toEqual({
      cause: 'bus',
      reason: 'SQS_DELIVERY_FAILED',
      eventType: 'ResidenceRegistration.Updated',
      recordId: detail.recordId,
      version: detail.version,
      receiveCount: 0,
      firstFailureAt: '2026-11-20T01:00:05.000Z',
    });
    expect(describeDeadLetter(consumerFailure)).toMatchObject({
      cause: 'consumer',
      reason: 'maxReceiveCount',
      receiveCount: 6,
      firstFailureAt: '2026-11-20T01:02:00.000Z',
    });
    expect(maskRecordId('residence-registration:6r83EYuPWOg-oaXhFx6yS1')).toBe(
      'residence-registration:6r83EY…',
    );
  });
});
