import { ACCESS_TOKEN_LIFETIME_MS, AUTHORIZATION_CODE_LIFETIME_MS, CONSENT_LIFETIME_MS } from '../../../accounts/assistant-links';
import { Unauthorized } from '../../../errors';
import { OneOf, Text, Type } from '../../../schema';
import { authorizeParams, checkAuthorize, decide, exchange } from '../../oauth/server';
import { OAUTH_TOKEN } from '../answers';
import { ShownAgain } from '../errors';
import { consentPage } from '../pages';
import { route, type Route } from '../route';

/*
 * The bridge's own OAuth 2.0 authorization server, for voice assistants' account linking: the
 * authorize page a person approves the link on, and the token endpoint the assistant trades
 * codes and refresh tokens at. Clients are registered with `npx ewelink-bridge oauth-client add`.
 * Parameters this does not know are ignored, as RFC 6749 asks (Google sends `user_locale`).
 */

const param = (description: string, maxLength: number, example?: string) => Text({ description, minLength: 1, maxLength, ...(example === undefined ? {} : { example }) });

const AUTHORIZE_FIELDS = {
  response_type: param('`code`: the only response type', 32, 'code'),
  client_id: param('the client id `oauth-client add` printed', 64, 'Qk3xN0p4R2tYb8cD'),
  redirect_uri: param('one of the redirect URIs registered for the client, exactly as registered', 512, 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA'),
  state: param("the client's own value, handed back unchanged", 1024, 'e5f1a0c2'),
  scope: Type.Optional(Text({ description: 'kept with the grant; the bridge gives every link the same rights', maxLength: 512 })),
  code_challenge: Type.Optional(Text({ description: 'PKCE (RFC 7636): the S256 challenge; needed when the client was registered with --require-pkce', maxLength: 128 })),
  code_challenge_method: Type.Optional(Text({ description: 'PKCE: `S256` (the default); `plain` is refused', maxLength: 16 })),
};

const AUTHORIZE_QUERY = Type.Object(AUTHORIZE_FIELDS, { additionalProperties: true });

const AUTHORIZE_FORM = Type.Object(
  {
    ...AUTHORIZE_FIELDS,
    consent: param("the page's one-time token, bound to this request", 64),
    decision: OneOf(['approve', 'deny'] as const, { description: "the person's answer" }),
    proof: Type.Optional(Text({ description: 'an API key of the bridge account, or a link code (`npx ewelink-bridge link-code`); approving needs one', maxLength: 256 })),
  },
  {
    $id: 'AuthorizeDecision',
    additionalProperties: true,
    examples: [
      {
        response_type: 'code',
        client_id: 'Qk3xN0p4R2tYb8cD',
        redirect_uri: 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA',
        state: 'e5f1a0c2',
        consent: 'nosuchconsenttoken00000000000000',
        decision: 'deny',
      },
    ],
  },
);

const TOKEN_FORM = Type.Object(
  {
    grant_type: param('`authorization_code` or `refresh_token`', 64, 'authorization_code'),
    code: Type.Optional(param('the code the redirect carried (authorization_code)', 256)),
    redirect_uri: Type.Optional(param('the same redirect URI as the authorize request (authorization_code)', 512)),
    code_verifier: Type.Optional(param('PKCE: the verifier of the challenge the authorize request carried', 128)),
    refresh_token: Type.Optional(param('the refresh token (refresh_token); good once', 256)),
    scope: Type.Optional(Text({ description: 'no more than was granted', maxLength: 512 })),
    client_id: Type.Optional(param('the client id, unless sent with HTTP Basic', 64)),
    client_secret: Type.Optional(param('the client secret, unless sent with HTTP Basic', 128)),
  },
  {
    $id: 'TokenRequest',
    additionalProperties: true,
    examples: [{ grant_type: 'authorization_code', code: 'nosuchlink000000.nosuchcode', redirect_uri: 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA', client_id: 'Qk3xN0p4R2tYb8cD', client_secret: 'nosuchsecret' }],
  },
);

const minutes = (ms: number) => ms / 60_000;

/** Account linking for voice assistants: the authorize page and the token endpoint. */
export const assistantOAuthRoutes: Route[] = [
  route({
    method: 'GET',
    path: '/oauth/authorize',
    auth: 'none',
    tag: 'assistants',
    answers: 'html',
    summary: 'The page a person links an assistant to their bridge account on',
    description: `An OAuth 2.0 authorization request (RFC 6749, 4.1.1) of a registered client. The page names the client and asks for an API key of the bridge account or a link code, with Approve and Deny; its form is good once, for ${minutes(CONSENT_LIFETIME_MS)} minutes. PKCE: S256 only. Nothing is sent anywhere when the client or its redirect URI is unknown.`,
    query: AUTHORIZE_QUERY,
    cloud: false,
    ok: { status: 200, description: 'the page' },
    errors: {
      400: 'a page saying why the request cannot go on (`link_refused`): the client is unknown, the redirect URI is not one registered for it, PKCE is `plain`, a challenge the client must send is missing, the state or response type is wrong. The person is not sent back',
      503: "a page saying the bridge's database cannot be reached (`store_unavailable`)",
    },
    async handle({ query }, bridge) {
      const params = authorizeParams(query);
      const { client, consent } = await checkAuthorize(bridge.assistantLinks, params);
      return consentPage({ clientName: client.name, redirectUri: params.redirect_uri, hidden: { ...params, consent } });
    },
  }),
  route({
    method: 'POST',
    path: '/oauth/authorize',
    auth: 'none',
    tag: 'assistants',
    answers: 'redirect',
    failures: 'page',
    summary: "The person's answer on the authorize page",
    description: `The page's form. Approving with an API key of the account or a link code sends the person to the redirect URI with \`code\` (good once, for ${minutes(AUTHORIZATION_CODE_LIFETIME_MS)} minutes) and \`state\`; denying sends them there with \`error=access_denied\` and \`state\`.`,
    body: AUTHORIZE_FORM,
    bodyEncoding: 'form',
    cloud: false,
    ok: { status: 302, description: "to the client's redirect URI" },
    errors: {
      400: 'a page saying nothing was linked (`link_refused`): the form expired, was sent already or belongs to another request, or the client is gone',
      401: 'the page again, saying the API key or link code was not taken (`unauthorized`); nothing was stored',
      503: "a page saying the bridge's database cannot be reached (`store_unavailable`)",
    },
    async handle({ body }, bridge) {
      const links = bridge.assistantLinks;
      const params = authorizeParams(body);
      try {
        return await decide(links, { params, consent: body.consent, approve: body.decision === 'approve', proof: body.proof ?? '' });
      } catch (err) {
        if (!(err instanceof Unauthorized)) throw err;
        const client = await links.grants.client(params.client_id);
        if (!client) throw err;
        throw new ShownAgain(err, (refused) => consentPage({ clientName: client.name, redirectUri: params.redirect_uri, hidden: { ...params, consent: body.consent }, refused }));
      }
    },
  }),
  route({
    method: 'POST',
    path: '/oauth/token',
    auth: 'none',
    tag: 'assistants',
    answers: 'oauth',
    summary: 'Trade an authorization code or a refresh token for tokens',
    description: `RFC 6749, 4.1.3 and 6. The client authenticates with HTTP Basic or \`client_id\` and \`client_secret\` in the form. A code is good once; a refresh token too (each refresh answers a new one, and the used one is refused from then on). Access tokens last ${minutes(ACCESS_TOKEN_LIFETIME_MS)} minutes, refresh tokens 90 days.`,
    body: TOKEN_FORM,
    bodyEncoding: 'form',
    cloud: false,
    ok: { status: 200, description: 'the tokens', schema: OAUTH_TOKEN },
    handle: ({ body, headers }, bridge) => exchange(bridge.assistantLinks, body as Record<string, string>, headers.authorization),
  }),
];
