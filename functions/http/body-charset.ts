import { TextDecoder } from 'node:util';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ProblemError } from '#api/problems.ts';

/** The encodings a body may be in (WHATWG names): UTF-8, and GBK and GB18030, which many Chinese systems send. */
const DECODABLE = new Set(['utf-8', 'gbk', 'gb18030']);

const CHARSET_PARAMETER = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;
const REPLACEMENT_CHARACTER = '\ufffd';

/** A strict decoder for the declared charset (UTF-8 when none): 415 UNSUPPORTED_CHARSET for any other. */
function decoderFor(contentType: string | undefined): TextDecoder {
  const label = CHARSET_PARAMETER.exec(contentType ?? '')?.[1] ?? 'utf-8';
  let decoder: TextDecoder | undefined;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    decoder = undefined;
  }
  if (decoder === undefined || !DECODABLE.has(decoder.encoding))
    throw new ProblemError(
      'UNSUPPORTED_CHARSET',
      'Declare charset=utf-8 (the default), gb18030 or gbk in the Content-Type, or none.',
    );
  return decoder;
}

const notDecodable = (charset: string, cause?: unknown) =>
  new ProblemError(
    'BODY_NOT_DECODABLE',
    `The body is not valid ${charset}: send it in the charset its Content-Type declares (UTF-8 when none).`,
    undefined,
    { cause },
  );

/**
 * Decodes the body by the charset its Content-Type declares, strictly: bytes that are not valid in it are
 * refused (400 BODY_NOT_DECODABLE), never replaced with U+FFFD, and GB18030 or GBK text is read as what it
 * says. API Gateway hands over a body it took for binary base64-encoded, and a text body as a string, which
 * is a lossless UTF-8 reading of the bytes unless it holds U+FFFD. Afterwards the body is a plain string, so
 * this runs before anything reads it.
 */
export function bodyCharset(): middy.MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: async (request) => {
      const event = request.event;
      if (event.body === undefined) return;
      const decoder = decoderFor(event.headers?.['content-type']);
      if (!event.isBase64Encoded && decoder.encoding === 'utf-8') return;
      if (!event.isBase64Encoded && event.body.includes(REPLACEMENT_CHARACTER))
        throw notDecodable(decoder.encoding);
      const bytes = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
      try {
        event.body = decoder.decode(bytes);
      } catch (error) {
        throw notDecodable(decoder.encoding, error);
      }
      event.isBase64Encoded = false;
    },
  };
}
