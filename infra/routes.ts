import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';

/** One HTTP API route served by the HTTP function. */
export interface HttpRoute {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `{name}` is one path segment. */
  readonly path: string;
}

/**
 * Every route the HTTP function answers. Adding an endpoint to the deployed API is one
 * line here; the handler's own router decides what the route does.
 *
 * @example
 * { method: HttpMethod.DELETE, path: '/hooks/{hookId}' }
 */
export const HTTP_ROUTES: readonly HttpRoute[] = [
  { method: HttpMethod.GET, path: '/devices' },
  { method: HttpMethod.GET, path: '/devices/{id}' },
  { method: HttpMethod.POST, path: '/devices/{id}/control' },
  { method: HttpMethod.POST, path: '/hooks' },
  { method: HttpMethod.POST, path: '/hooks/{hookId}/{secret}' },
  { method: HttpMethod.GET, path: '/openapi.json' },
];
