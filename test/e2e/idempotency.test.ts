import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_SUBMITTERS } from '#local/dev-submitters.ts';
import { type HubProcess, startHubProcess } from '../helpers/hub-process.ts';
import { idNumberFor } from '../helpers/sample-people.ts';

// Idempotency-Key through `npm start`'s hub over real HTTP: the idempotency table exists on the emulator,
// a retry gets the first answer, a reused key with another body is refused.

let hub: HubProcess;

beforeAll(async () => {
  hub = await startHubProcess();
});

afterAll(async () => {
  expect(await hub?.stop()).toBe(0);
});

const department = SAMPLE_SUBMITTERS.find((s) => s.role === 'department');

async function post(body: unknown, idempotencyKey: string) {
  const response = await fetch(`${hub.endpoints.apiUrl}/v1/records`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${hub.endpoints.tokens[department?.submitterId ?? '']}`,
      'content-type': 'application/json',
      'Idempotency-Key': idempotencyKey,
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    replayed: response.headers.get('idempotent-replayed'),
    body: (await response.json()) as { results: Array<{ status: string; version?: number }>; code?: string },
  };
}

function registration(sequence: number) {
  return {
    kind: 'residence-registration',
    sourceId: `e2e-idem-${sequence}`,
    data: {
      person: { idNumber: idNumberFor('330106', '1992-08-19', sequence), name: '赵六' },
      address: { divisionCode: '330106', detail: '教工路18号1幢3单元201室' },
      residenceType: 'rented',
      movedInOn: '2024-07-01',
    },
  };
}

describe('Idempotency-Key over HTTP', () => {
  it('replays the first answer to a retry and refuses the key with another body', async () => {
    // Prepare
    const key = crypto.randomUUID();
    const body = { records: [registration(501)] };

    // Act
    const first = await post(body, key);
    const retry = await post(body, key);
    const reused = await post({ records: [registration(502)] }, key);

    // Assess
    expect(first.status).toBe(200);
    expect(first.replayed).toBeNull();
    expect(first.body.results[0]).toMatchObject({ status: 'accepted', version: 1 });
    expect(retry.status).toBe(200);
    expect(retry.replayed).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(reused.status).toBe(422);
    expect(reused.type).toBe('application/problem+json');
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', instance: '/v1/records' });
  });
});
