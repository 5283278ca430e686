import { OPENAPI_DOCUMENT } from '../answers';
import { openApiDocument } from '../openapi';
import { route, type Route } from '../route';
import { assistantOAuthRoutes } from './assistant-oauth';
import { deviceRoutes } from './devices';
import { googleRoutes } from './google';
import { groupRoutes } from './groups';
import { hookRoutes } from './hooks';
import { keyRoutes } from './keys';
import { oauthRoutes } from './oauth';
import { sceneRoutes } from './scenes';
import { shareRoutes } from './shares';
import { timerRoutes } from './timers';

const documentRoute = route({
  method: 'GET',
  path: '/openapi.json',
  auth: 'none',
  tag: 'api',
  summary: 'This document',
  cloud: false,
  ok: { status: 200, description: 'the OpenAPI 3.1 document', schema: OPENAPI_DOCUMENT },
  handle: async ({ baseUrl }) => openApiDocument(routes, baseUrl),
});

/** Every route of the bridge's HTTP API: the one list the router, the document and the stack follow. */
export const routes: Route[] = [...deviceRoutes, ...shareRoutes, ...groupRoutes, ...timerRoutes, ...sceneRoutes, ...hookRoutes, ...keyRoutes, ...oauthRoutes, ...assistantOAuthRoutes, ...googleRoutes, documentRoute];
