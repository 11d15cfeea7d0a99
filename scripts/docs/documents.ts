import { SUBSCRIPTIONS, type Subscription } from '#events/index.ts';
import { buildAsyncApiDocument } from './asyncapi.ts';
import { buildDerivedEventsDocument, DERIVED_EVENTS_CHANNEL } from './derived-events.ts';
import { buildOpenApiDocument } from './openapi.ts';

/** Where the generated documents live, relative to the repository root. */
export const DOCS_DIR = 'docs';
export const OPENAPI_PATH = `${DOCS_DIR}/openapi.json`;
export const ASYNCAPI_DIR = `${DOCS_DIR}/asyncapi`;

export interface GeneratedDocument {
  /** Relative to the repository root, e.g. `docs/asyncapi/health.json`. */
  path: string;
  document: Record<string, unknown>;
}

/**
 * Every document `npm run docs` writes: the OpenAPI document, one AsyncAPI document per subscription and one
 * of the derived events.
 */
export function generateDocuments(
  subscriptions: readonly Subscription[] = SUBSCRIPTIONS,
): GeneratedDocument[] {
  return [
    { path: OPENAPI_PATH, document: buildOpenApiDocument() },
    ...subscriptions.map((subscription) => ({
      path: `${ASYNCAPI_DIR}/${subscription.name}.json`,
      document: buildAsyncApiDocument(subscription),
    })),
    { path: `${ASYNCAPI_DIR}/${DERIVED_EVENTS_CHANNEL}.json`, document: buildDerivedEventsDocument() },
  ];
}

export const renderDocument = (document: unknown): string => `${JSON.stringify(document, null, 2)}\n`;
