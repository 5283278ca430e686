/**
 * An OAuth 2.0 error answer (RFC 6749, section 5.2) of the token endpoint: the status, the
 * `error` code and its description, and any header the code calls for.
 *
 * @example
 * throw new OAuthProblem(400, 'invalid_grant', 'the authorization code was used already');
 */
export class OAuthProblem extends Error {
  override name = 'OAuthProblem';
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${error}: ${description}`);
  }
}

/** The `error` codes a token answer can carry: RFC 6749's, and `server_error` when the bridge itself failed. */
export const OAUTH_ERROR_CODES = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'server_error'] as const;
