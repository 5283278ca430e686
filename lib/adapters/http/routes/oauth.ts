import { OAUTH_STATE_LIFETIME_MS } from '../../../accounts/linking';
import { Text, Type } from '../../../schema';
import { linkedPage } from '../pages';
import { route, type Route } from '../route';

/** The bridge's own callback: the redirect URL to register for the app unless EWELINK_REDIRECT_URL names another. */
export const OAUTH_CALLBACK_PATH = '/ewelink/oauth/callback';

const landingText = (description: string) => Text({ description, minLength: 1, maxLength: 512, rule: 'must be what the eWeLink login page sent, 1 to 512 characters' });

/** The query the eWeLink login page sends the person back with: a code, or an error; the state either way. */
const OAUTH_LANDING = Type.Object(
  {
    state: Type.Optional(landingText('the state the sign-in was started with')),
    code: Type.Optional(landingText('the code to trade for tokens')),
    region: Type.Optional(landingText("the account's region")),
    error: Type.Optional(landingText('why the sign-in ended without a code, e.g. `access_denied`')),
    error_description: Type.Optional(landingText('the same, in words (not shown: the bridge says it in its own)')),
  },
  { additionalProperties: false },
);

const minutes = OAUTH_STATE_LIFETIME_MS / 60_000;

/** Linking the account through the eWeLink login page (OAuth 2.0; the account then uses the v2 API). */
export const oauthRoutes: Route[] = [
  route({
    method: 'GET',
    path: '/ewelink/oauth/start',
    auth: 'apiKey',
    tag: 'accounts',
    answers: 'redirect',
    summary: 'Sign the account in through the eWeLink login page',
    description: `Sends the browser to the eWeLink login page for the API key's account. After signing in, eWeLink sends the person back to the redirect URL registered for the app (EWELINK_REDIRECT_URL, else this bridge's ${OAUTH_CALLBACK_PATH}), which links the account, within ${minutes} minutes; each start is good for one sign-in. Makes no call to the cloud.`,
    cloud: false,
    ok: { status: 302, description: 'to the eWeLink login page' },
    async handle({ accountId, baseUrl }, bridge) {
      const { url } = await bridge.accounts.startOAuth(accountId, bridge.accounts.redirectUrl ?? `${baseUrl}${OAUTH_CALLBACK_PATH}`);
      return url;
    },
  }),
  route({
    method: 'GET',
    path: OAUTH_CALLBACK_PATH,
    auth: 'none',
    tag: 'accounts',
    answers: 'html',
    summary: 'Where the eWeLink login page sends the person back',
    description: `No API key: the state, handed out by the start and good once within ${minutes} minutes, says which account to link. Trades the code for tokens, finds the account's apikey on a device it owns, and stores the tokens; the page says what was linked, or why nothing was.`,
    query: OAUTH_LANDING,
    cloud: 'v2',
    ok: { status: 200, description: 'a page saying the account is linked' },
    errors: { 400: 'a page saying why nothing was linked (`link_refused`): the state is unknown, used or expired, the sign-in was denied, or eWeLink did not take the code' },
    async handle({ query }, bridge) {
      const linked = await bridge.accounts.finishOAuth({ state: query.state, code: query.code, region: query.region, error: query.error });
      return linkedPage({ accountId: linked.record.accountId, region: linked.record.region, devices: linked.devices, socket: linked.socket });
    },
  }),
];
