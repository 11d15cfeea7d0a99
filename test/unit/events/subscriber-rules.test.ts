import { describe, expect, it } from 'vitest';
import {
  projectFor,
  routedEvent,
  SMOKE_SUBMITTER_ID,
  sampleDetail,
  subscriberRules,
} from '../../../events/index.ts';

const registrationIn = (divisionCode: string) => ({
  ...sampleDetail('residence-registration', 'created'),
  divisionCode,
});

describe('projecting an event for one subscriber', () => {
  it("gives a city office its department's message for its city, and nothing for another", () => {
    const city = subscriberRules('public-security@3301');
    const department = subscriberRules('public-security');
    const hangzhou = routedEvent('ResidenceRegistration.Created', registrationIn('330106'));

    expect(projectFor(city, hangzhou)).toBe(projectFor(department, hangzhou));
    expect(JSON.parse(projectFor(city, hangzhou) ?? '{}')).toMatchObject({
      type: 'ResidenceRegistration.Created',
      replay: '',
    });
    expect(projectFor(city, routedEvent('ResidenceRegistration.Created', registrationIn('330203')))).toBe(
      undefined,
    );
  });

  it('marks a replayed event with its replay name', () => {
    const event = routedEvent('ResidenceRegistration.Created', registrationIn('330106'), 'replay-42');

    expect(JSON.parse(projectFor(subscriberRules('health'), event) ?? '{}').replay).toBe('replay-42');
  });

  it('routes the smoke submitter to the smoke subscriber alone', () => {
    const detail = {
      ...sampleDetail('rental-property', 'created'),
      submittedBy: { role: 'department', submitterId: SMOKE_SUBMITTER_ID },
    };
    const event = routedEvent('RentalProperty.Created', detail);

    expect(projectFor(subscriberRules('housing'), event)).toBeUndefined();
    expect(JSON.parse(projectFor(subscriberRules('smoke'), event) ?? '{}').recordId).toBe(detail.recordId);
  });
});
