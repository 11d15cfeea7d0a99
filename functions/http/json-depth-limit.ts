import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ProblemError } from '#api/problems.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether JSON text nests objects and arrays deeper than `maxDepth`, found by one pass over the characters
 * (brackets inside strings do not count). Runs before JSON.parse, so no parser, reviver, schema or
 * JSON.stringify further on ever meets a structure deep enough to exhaust the stack.
 */
export function jsonNestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth -= 1;
  }
  return false;
}

/**
 * Refuses a JSON body nested deeper than `maxDepth` with 400 NESTING_TOO_DEEP, before it is parsed. Reads
 * the text bodyCharset decoded.
 */
export function jsonDepthLimit(options: { maxDepth: number }): middy.MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: async (request) => {
      const { body } = request.event;
      if (body === undefined) return;
      if (jsonNestingExceeds(body, options.maxDepth)) {
        throw new ProblemError(
          'NESTING_TOO_DEEP',
          `Objects and arrays may nest at most ${options.maxDepth} levels deep (a record needs about 6).`,
        );
      }
    },
  };
}
