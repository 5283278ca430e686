import type { Route } from '../route-types';

/** The API's own description, for people and tools; no API key needed. */
export const documentRoutes: Route[] = [
  {
    method: 'GET',
    path: '/openapi.json',
    auth: false,
    async run(req) {
      // Loaded on first use: the document's definitions are not part of a cold start.
      const { openApiDocument } = await import('../openapi');
      return { status: 200, body: openApiDocument(req.baseUrl) };
    },
  },
];
