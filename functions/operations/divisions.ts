import type { DivisionsResponse } from '#api/operations-api.ts';
import { divisionsQuery } from '#api/operations-api.ts';
import { type Division, divisionChildren, findDivision } from '#schemas/values/division-code.ts';
import { queryParameters } from '../http/request-body.ts';
import type { HubRequestEvent } from '../http/submitter.ts';

const brief = ({ code, name, level }: Division) => ({ code, name, level });

/**
 * `GET /v1/divisions[?code=330000]`: one level of the dated division list the statistics count by — the
 * provinces, a province's cities or a city's counties (a county has none). Public reference data; any authenticated caller.
 */
export function divisionLevel(event: HubRequestEvent): DivisionsResponse {
  const { code } = queryParameters(
    event,
    divisionsQuery,
    'Send optionally ?code=<6-digit province or city code>.',
  );
  const division = code === undefined ? undefined : findDivision(code);
  return {
    division: division === undefined ? null : brief(division),
    children: divisionChildren(code).map(brief),
  };
}
