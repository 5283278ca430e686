import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { routes } from '../lib/adapters/http/routes';

/** One HTTP API route served by the HTTP function. */
export interface HttpRoute {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `{name}` is one path segment. */
  readonly path: string;
}

/**
 * Every route the HTTP function answers, taken from the router's own list, so the deployed
 * API and the handler can never disagree; unknown paths are refused by API Gateway.
 */
export const HTTP_ROUTES: readonly HttpRoute[] = routes.map((route) => ({ method: HttpMethod[route.method], path: route.path }));
