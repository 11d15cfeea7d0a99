import { describe, expect, it } from 'vitest';
import { ProblemError } from '#api/problems.ts';
import { submitterOf } from '#functions/http/submitter.ts';
import { recordsPostEvent } from '../../helpers/api-event.ts';
import { idNumberFor } from '../../helpers/sample-people.ts';

const RESIDENT_ID = idNumberFor('330106', '1990-03-07', 123);

function withIam(userArn: string) {
  const event = recordsPostEvent();
  event.requestContext.authorizer = { iam: { userArn } };
  return event;
}

/** The 401 detail submitterOf answers with, or fails the test. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).code).toBe('UNAUTHORIZED');
    return (error as ProblemError).detail ?? '';
  }
  return expect.fail('expected a 401');
}

describe('the submitter behind a request', () => {
  it('reads sub and role from verified JWT claims, with submitter_id naming the organisation', () => {
    const user = recordsPostEvent({ claims: { sub: 'u-17', role: 'employer' } });
    const forOrganisation = recordsPostEvent({
      claims: { sub: 'u-17', role: 'employer', submitter_id: 'employer-xihu-tech' },
    });

    expect(submitterOf(user)).toEqual({ submitterId: 'u-17', role: 'employer' });
    expect(submitterOf(forOrganisation)).toEqual({ submitterId: 'employer-xihu-tech', role: 'employer' });
  });

  it("keeps a resident's normalised ID number from id_number for the own-records check", () => {
    const event = recordsPostEvent({
      claims: { sub: 'r-1', role: 'resident', id_number: RESIDENT_ID.toLowerCase() },
    });
    expect(submitterOf(event)).toEqual({ submitterId: 'r-1', role: 'resident', idNumber: RESIDENT_ID });
  });

  it("keeps a coordinator's divisions, given as a list or as one string, and refuses a coordinator without", () => {
    const listed = recordsPostEvent({ claims: { sub: 'c-1', role: 'coordinator', divisions: ['330106'] } });
    const flattened = recordsPostEvent({
      claims: { sub: 'c-2', role: 'coordinator', divisions: '330105, 330106' },
    });
    // What API Gateway's JWT authorizer makes of a list claim.
    const byApiGateway = recordsPostEvent({
      claims: { sub: 'c-4', role: 'coordinator', divisions: '[330105 330106]' },
    });

    expect(submitterOf(listed)).toEqual({ submitterId: 'c-1', role: 'coordinator', divisions: ['330106'] });
    expect(submitterOf(flattened).divisions).toEqual(['330105', '330106']);
    expect(submitterOf(byApiGateway).divisions).toEqual(['330105', '330106']);
    for (const divisions of [undefined, [], ['3301'], [330106], 'Xihu']) {
      const event = recordsPostEvent({
        claims: { sub: 'c-3', role: 'coordinator', ...(divisions === undefined ? {} : { divisions }) },
      });
      expect(refusal(() => submitterOf(event))).toMatch(/"divisions"/);
    }
    const arn = 'arn:aws-cn:iam::123456789012:role/coordinator';
    const map = { [arn]: { submitterId: 'c-iam', role: 'coordinator', divisions: ['330100'] } };
    expect(submitterOf(withIam(arn), map)).toEqual({
      submitterId: 'c-iam',
      role: 'coordinator',
      divisions: ['330100'],
    });
  });

  it('maps a signed IAM principal to its configured submitter, the same shape as a token', () => {
    const arn = 'arn:aws-cn:iam::123456789012:role/housing-bureau';
    const map = { [arn]: { submitterId: 'dept-housing', role: 'department' } };
    expect(submitterOf(withIam(arn), map)).toEqual({ submitterId: 'dept-housing', role: 'department' });
    expect(refusal(() => submitterOf(withIam(`${arn}-other`), map))).toMatch(/not a known submitter/);
  });

  it('refuses with 401 a role outside the table, a missing subject, or a resident without id_number', () => {
    expect(refusal(() => submitterOf(recordsPostEvent({ claims: { sub: 'x', role: 'admin' } })))).toMatch(
      /"role" in the token must be one of landlord, /,
    );
    expect(refusal(() => submitterOf(recordsPostEvent({ claims: { role: 'landlord' } })))).toMatch(/"sub"/);
    expect(
      refusal(() =>
        submitterOf(recordsPostEvent({ claims: { sub: 'r', role: 'resident', id_number: '1' } })),
      ),
    ).toMatch(/"id_number"/);
    expect(refusal(() => submitterOf(recordsPostEvent({ claims: { sub: 'r', role: 'resident' } })))).toMatch(
      /"id_number"/,
    );
    expect(
      refusal(() => submitterOf(withIam('arn:x'), { 'arn:x': { submitterId: 'x', role: 'superuser' } })),
    ).toMatch(/IAM mapping/);
  });

  it('refuses an ID number as the submitter id, which provenance and events would carry', () => {
    const detail = refusal(() =>
      submitterOf(
        recordsPostEvent({ claims: { sub: RESIDENT_ID, role: 'resident', id_number: RESIDENT_ID } }),
      ),
    );
    expect(detail).toMatch(/opaque id/);
    expect(detail).not.toContain(RESIDENT_ID);
  });

  it.each([
    ['a prefixed ID number', `ID:${RESIDENT_ID}`],
    [
      'an ID number with a zero-width space inside',
      `${RESIDENT_ID.slice(0, 9)}\u200b${RESIDENT_ID.slice(9)}`,
    ],
    ['a full-width ID number', RESIDENT_ID.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))],
    [
      'an ID number written in groups',
      `${RESIDENT_ID.slice(0, 6)} ${RESIDENT_ID.slice(6, 14)} ${RESIDENT_ID.slice(14)}`,
    ],
    ['a mobile number', '+86 139 1234 5678'],
  ])('refuses %s as the submitter id, in sub or submitter_id', (_, id) => {
    const claimSets: Record<string, string>[] = [
      { sub: id, role: 'landlord' },
      { sub: 'u-1', submitter_id: id, role: 'employer' },
    ];
    for (const claims of claimSets) {
      const detail = refusal(() => submitterOf(recordsPostEvent({ claims })));
      // An invisible character is refused first, for itself.
      expect(detail).toMatch(/no resident ID or mobile number|visible characters/);
      expect(detail).not.toContain(RESIDENT_ID);
    }
  });

  it.each([
    ['a control character', 'landlord\u0000'],
    ['a right-to-left override', 'landlord-\u202ea'],
    ['a zero-width space', 'landlord-\u200ba'],
    ['129 characters', 'x'.repeat(129)],
  ])('refuses a submitter id with %s', (_, id) => {
    expect(refusal(() => submitterOf(recordsPostEvent({ claims: { sub: id, role: 'landlord' } })))).toMatch(
      /visible characters/,
    );
  });

  it('accepts the opaque ids of organisations and identity platforms', () => {
    for (const id of [
      'landlord-wang-fang',
      '550e8400-e29b-41d4-a716-446655440000',
      'org:91330106MA2711111A',
    ]) {
      expect(submitterOf(recordsPostEvent({ claims: { sub: id, role: 'landlord' } })).submitterId).toBe(id);
    }
  });
});
