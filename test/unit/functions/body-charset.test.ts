import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '#api/problems.ts';
import { bodyCharset } from '#functions/http/body-charset.ts';
import { lambdaContext } from '#local/lambda-context.ts';
import { recordsPostEvent } from '../../helpers/api-event.ts';

// GB18030 bytes of 天目山路495号 (GBK encodes these characters alike).
const GBK_ADDRESS = Buffer.from('ccecc4bfc9bdc2b7343935bac5', 'hex');
const JSON_TEXT = (address: Buffer) =>
  Buffer.concat([Buffer.from('{"detail":"'), address, Buffer.from('"}')]);

/** The body as the handler after the middleware sees it, or the problem it was refused with. */
async function decoded(event: APIGatewayProxyEventV2): Promise<string | ProblemError> {
  const handler = middy<APIGatewayProxyEventV2, string>()
    .use(bodyCharset())
    .handler(async (request) => {
      expect(request.isBase64Encoded).toBe(false);
      return request.body ?? '';
    });
  try {
    return await handler(event, lambdaContext('test'));
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
}

const bytesEvent = (bytes: Buffer, contentType: string) =>
  recordsPostEvent({ body: bytes.toString('base64'), isBase64Encoded: true, contentType });

describe('bodyCharset', () => {
  it.each([
    'application/json; charset=gbk',
    'application/json; charset=GB18030',
    'application/json;charset="gb2312"',
  ])('reads GBK and GB18030 bytes declared as %s', async (contentType) => {
    expect(await decoded(bytesEvent(JSON_TEXT(GBK_ADDRESS), contentType))).toBe('{"detail":"天目山路495号"}');
  });

  it('reads UTF-8 bytes, with or without the charset, and leaves a UTF-8 string as it is', async () => {
    const utf8 = Buffer.from('{"detail":"天目山路495号"}');
    expect(await decoded(bytesEvent(utf8, 'application/json'))).toBe(utf8.toString());
    expect(await decoded(bytesEvent(utf8, 'application/json; charset=utf-8'))).toBe(utf8.toString());
    expect(await decoded(recordsPostEvent({ body: '{"a":"张"}', contentType: 'application/json' }))).toBe(
      '{"a":"张"}',
    );
  });

  it('decodes a string body declared GB18030 from the bytes it stands for', async () => {
    // C3 A9 is é in UTF-8 and 茅 in GB18030: API Gateway may hand such a body over as a UTF-8 string.
    const event = recordsPostEvent({ body: '{"a":"é"}', contentType: 'application/json; charset=gb18030' });
    expect(await decoded(event)).toBe('{"a":"茅"}');
  });

  it.each([
    ['GBK bytes without a charset (read as UTF-8)', bytesEvent(JSON_TEXT(GBK_ADDRESS), 'application/json')],
    [
      'invalid UTF-8 declared UTF-8',
      bytesEvent(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'application/json; charset=utf-8'),
    ],
    [
      'a truncated GB18030 sequence',
      bytesEvent(Buffer.from([0x7b, 0x22, 0xcc]), 'application/json; charset=gb18030'),
    ],
    [
      'a string that already lost bytes (U+FFFD) declared GBK',
      recordsPostEvent({ body: '{"a":"\ufffd\ufffd路"}', contentType: 'application/json; charset=gbk' }),
    ],
  ])('refuses %s with 400 BODY_NOT_DECODABLE, never a replacement character', async (_, event) => {
    expect(await decoded(event)).toMatchObject({ code: 'BODY_NOT_DECODABLE' });
  });

  it.each(['latin1', 'shift_jis', 'utf-16le', 'no-such-charset', ''])(
    'refuses the charset %j with 415 UNSUPPORTED_CHARSET',
    async (charset) => {
      const event = bytesEvent(Buffer.from('{}'), `application/json; charset=${charset}`);
      expect(await decoded(event)).toMatchObject({ code: 'UNSUPPORTED_CHARSET' });
    },
  );
});
