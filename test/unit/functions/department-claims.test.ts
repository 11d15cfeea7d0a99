import { describe, expect, it } from 'vitest';
import { ProblemError } from '#api/problems.ts';
import { submitterOf } from '#functions/http/submitter.ts';
import { recordsPostEvent } from '../../helpers/api-event.ts';

const callerWith = (claims: Record<string, string>) => submitterOf(recordsPostEvent({ claims }));

describe('department claims', () => {
  it('reads the department and the audit right of a department caller', () => {
    expect(callerWith({ sub: 'd-1', role: 'department', department: 'health' })).toEqual({
      submitterId: 'd-1',
      role: 'department',
      department: 'health',
    });
    expect(callerWith({ sub: 'd-2', role: 'department', department: 'hrss', audit: 'true' })).toMatchObject({
      audit: 'own',
    });
    expect(callerWith({ sub: 'd-3', role: 'department', department: 'hrss', audit: 'all' })).toMatchObject({
      audit: 'all',
    });
  });

  it('ignores them for every other role, and ignores an unknown audit value', () => {
    expect(callerWith({ sub: 'l-1', role: 'landlord', department: 'health', audit: 'true' })).toEqual({
      submitterId: 'l-1',
      role: 'landlord',
    });
    expect(
      callerWith({ sub: 'd-4', role: 'department', department: 'health', audit: 'yes' }),
    ).not.toHaveProperty('audit');
  });

  it('refuses a department claim naming no known department (401), rather than acting without one', () => {
    expect(() => callerWith({ sub: 'd-5', role: 'department', department: 'police' })).toThrow(ProblemError);
  });

  it('reads them from an IAM mapping entry too', () => {
    const event = recordsPostEvent();
    (event.requestContext as { authorizer?: unknown }).authorizer = {
      iam: { userArn: 'arn:aws-cn:iam::1:role/h' },
    };

    expect(
      submitterOf(event, {
        'arn:aws-cn:iam::1:role/h': { submitterId: 'h-1', role: 'department', department: 'health' },
      }),
    ).toMatchObject({ department: 'health' });
  });
});
