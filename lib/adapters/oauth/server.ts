import OAuth2Server from '@node-oauth/oauth2-server';
import { newLinkId, type AssistantClient, type AssistantLinks } from '../../accounts/assistant-links';
import { LinkRefused, Unauthorized } from '../../errors';
import { hashSecret } from '../../secrets';
import { OAuthProblem } from './errors';
import { CheckedOnly, grantModel, oauthServer, type LinkUser } from './model';

/*
 * The OAuth 2.0 endpoints of assistant linking, as calls on typed values: the authorize page's
 * check, the person's decision, and the token request. The protocol (the client and its
 * redirect URI, state, response type, PKCE, codes used once, refresh rotation, the token
 * answer) is the library's (@node-oauth/oauth2-server); this file hands it requests and
 * reads its answers.
 */

/** The parameters of an authorize request, as the client sent them. */
export interface AuthorizeRequest {
  response_type: string;
  client_id: string;
  redirect_uri: string;
  state: string;
  scope?: string;
  code_challenge?: string;
  code_challenge_method?: string;
}

/** The parameters of an authorize request that the page sends back, in a fixed order. */
const AUTHORIZE_FIELDS = ['response_type', 'client_id', 'redirect_uri', 'state', 'scope', 'code_challenge', 'code_challenge_method'] as const;

/** The request's own parameters only (a client may send others, which are ignored). */
export function authorizeParams(from: Partial<Record<string, unknown>>): AuthorizeRequest {
  const out: Record<string, string> = {};
  for (const field of AUTHORIZE_FIELDS) if (typeof from[field] === 'string') out[field] = from[field] as string;
  return out as unknown as AuthorizeRequest;
}

/** What the form's one-time token is bound to: this very request, so it cannot approve another. */
export function bindingOf(params: AuthorizeRequest): string {
  return hashSecret(JSON.stringify(AUTHORIZE_FIELDS.map((field) => params[field] ?? null)));
}

/** A refused authorize request: the library's reason, said on a page; the person is sent nowhere. */
function refusedRequest(err: unknown): never {
  if (err instanceof OAuth2Server.OAuthError && !(err instanceof OAuth2Server.ServerError)) {
    throw new LinkRefused(`this link request cannot go on, and nothing was linked: ${err.message}. Start again from the assistant's app; if it keeps happening, its OAuth client is set up wrongly`);
  }
  throw serverFailure(err);
}

/** The cause of a library ServerError (the store, say), for the one error mapping and the log. */
function serverFailure(err: unknown): unknown {
  return err instanceof OAuth2Server.ServerError && (err as { inner?: unknown }).inner ? (err as { inner?: unknown }).inner : err;
}

/**
 * Checks an authorize request as the library would take it, storing nothing: the client, its
 * redirect URI (exactly as registered), the state, the response type and PKCE (S256 only; a
 * challenge when the client requires one). Answers the client and a fresh one-time token for
 * the page's form; `LinkRefused` says what is wrong otherwise.
 *
 * @example
 * const { client, consent } = await checkAuthorize(bridge.assistantLinks, params);
 */
export async function checkAuthorize(links: AssistantLinks, params: AuthorizeRequest): Promise<{ client: AssistantClient; consent: string }> {
  let client: AssistantClient | undefined;
  const server = oauthServer(grantModel(links, { authenticates: false, dryRun: true, onClient: (found) => (client = found) }));
  const user: LinkUser = { accountId: '', linkId: '' };
  try {
    await server.authorize(libraryRequest('GET', params, {}), new OAuth2Server.Response(), { authenticateHandler: { handle: async () => user } });
    throw new Error('the dry run of an authorize request stored a code');
  } catch (err) {
    // The library wraps what its model throws in a ServerError.
    if (!(serverFailure(err) instanceof CheckedOnly)) refusedRequest(err);
  }
  // Every check passed, so the library found the client (its lookup is the one read).
  if (!client) refusedRequest(new OAuth2Server.InvalidClientError('Invalid client: client credentials are invalid'));
  return { client, consent: await links.openConsent(bindingOf(params)) };
}

/** The person's answer on the authorize page. */
export interface Decision {
  params: AuthorizeRequest;
  /** The form's one-time token. */
  consent: string;
  approve: boolean;
  /** An API key or a link code (approving only). */
  proof: string;
}

/**
 * Carries out the person's decision: the form's token must be the one shown for this request
 * (else `LinkRefused`); approving needs an API key or link code of the account (else
 * `Unauthorized`, the token left open to try again). Answers where to send the browser: the
 * client's redirect URI with `code` and `state`, or with `error=access_denied` and `state`.
 *
 * @example
 * const location = await decide(bridge.assistantLinks, { params, consent, approve: true, proof: apiKey });
 */
export async function decide(links: AssistantLinks, decision: Decision): Promise<string> {
  const binding = bindingOf(decision.params);
  const expired = () => new LinkRefused('this page has expired, was sent already, or was not shown for this request; nothing was linked. Start again from the assistant\'s app');
  if (!(await links.consentOpen(decision.consent, binding))) throw expired();
  let user: LinkUser = { accountId: '', linkId: '' };
  if (decision.approve) {
    if (!decision.proof.trim()) throw new Unauthorized('give an API key of your bridge account or a link code to approve');
    user = { accountId: await links.accountProvedBy(decision.proof), linkId: newLinkId() };
  }
  if (!(await links.spendConsent(decision.consent, binding))) throw expired();
  const server = oauthServer(grantModel(links, { authenticates: false }));
  const response = new OAuth2Server.Response();
  const body: Record<string, string> = decision.approve ? {} : { allowed: 'false' };
  try {
    await server.authorize(libraryRequest('POST', decision.params, body), response, { authenticateHandler: { handle: async () => user } });
  } catch (err) {
    // A denial (and any refusal the library can tell the client of) goes back to the client, as RFC 6749 says.
    const location = response.get('location') as string | undefined;
    if (!location || err instanceof OAuth2Server.ServerError) refusedRequest(err);
    return withError(location, err as Error, decision.params.state);
  }
  return response.get('location') as string;
}

/**
 * The library's error redirect, made whole. It parses the redirect URI with Node's legacy
 * `url.parse`, whose `search` wins over the `query` it sets: for a redirect URI with a query of
 * its own, `error` and `state` are dropped and the client is sent back as if nothing happened.
 * Both are put back, beside the URI's own query (RFC 6749, 4.1.2.1).
 */
function withError(location: string, err: Error, state: string | undefined): string {
  const url = new URL(location);
  if (url.searchParams.has('error')) return location;
  url.searchParams.set('error', err.name);
  if (err.message) url.searchParams.set('error_description', err.message);
  if (state) url.searchParams.set('state', state);
  return url.toString();
}

/**
 * A token request (RFC 6749, section 4.1.3 and 6), handed to the library: the client
 * authenticates with HTTP Basic or `client_id`/`client_secret` in the form. Answers the token
 * response; refusals are `OAuthProblem`s (a client that failed to authenticate: 401
 * `invalid_client`).
 *
 * @example
 * const answer = await exchange(bridge.assistantLinks, form, headers.authorization);
 */
export async function exchange(links: AssistantLinks, form: Record<string, string>, authorization: string | undefined): Promise<Record<string, unknown>> {
  const server = oauthServer(grantModel(links, { authenticates: true }));
  const body = new URLSearchParams(form).toString();
  const request = new OAuth2Server.Request({
    method: 'POST',
    query: {},
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)), ...(authorization ? { authorization } : {}) },
    body: form,
  });
  const response = new OAuth2Server.Response();
  try {
    await server.token(request, response);
  } catch (err) {
    if (!(err instanceof OAuth2Server.OAuthError) || err instanceof OAuth2Server.ServerError) throw serverFailure(err);
    if (err.name === 'invalid_client') throw new OAuthProblem(401, 'invalid_client', err.message, { 'www-authenticate': 'Basic realm="ewelink-bridge"' });
    throw new OAuthProblem(err.code, err.name, err.message);
  }
  return response.body as Record<string, unknown>;
}

function libraryRequest(method: string, params: AuthorizeRequest, body: Record<string, string>): OAuth2Server.Request {
  return new OAuth2Server.Request({ method, headers: {}, query: { ...authorizeParams(params as unknown as Record<string, unknown>) }, body });
}
