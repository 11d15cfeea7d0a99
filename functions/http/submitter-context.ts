import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { SubmitterRef } from '#domain/permissions.ts';
import { type HubRequestEvent, type Submitter, submitterOf } from './submitter.ts';

export interface SubmitterContext extends Context {
  submitter: Submitter;
}

/** Resolves the caller before anything reads the body, so an anonymous request gets 401 whatever it sent. */
export function submitterContext(
  iamSubmitters: Record<string, SubmitterRef> = {},
): middy.MiddlewareObj<HubRequestEvent, unknown, Error, SubmitterContext> {
  return {
    before: async (request) => {
      request.context.submitter = submitterOf(request.event, iamSubmitters);
    },
  };
}
