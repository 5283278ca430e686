import { UNCONFIRMED_WRITE } from '../../../errors';
import { API_KEY_INPUT, KEY_UNCONFIRMED } from '../../../accounts/api-keys';
import { Text } from '../../../schema';
import { API_KEY_LIST, CREATED_API_KEY } from '../answers';
import { pathParams, route, type Route } from '../route';

const KEY_ID_PATH = pathParams({ keyId: Text({ description: "the key's id, from the list (not the key)", minLength: 1, maxLength: 64, pattern: /^[A-Za-z0-9_-]+$/, rule: 'must be a key id from the list: letters, digits, "_" or "-"', example: 'k7Gm2xYq9aZb' }) });

/** The account's API keys: listed, made and revoked with any of its keys. */
export const keyRoutes: Route[] = [
  route({
    method: 'GET',
    path: '/keys',
    auth: 'apiKey',
    tag: 'keys',
    summary: "The account's API keys",
    description: 'Never the keys themselves: their ids, labels, creation, last use and limits.',
    cloud: false,
    ok: { status: 200, description: 'oldest first', schema: API_KEY_LIST },
    async handle({ accountId, keyId }, bridge) {
      return { keys: (await bridge.apiKeys.list(accountId)).map((key) => ({ ...key, current: key.id === keyId })) };
    },
  }),
  route({
    method: 'POST',
    path: '/keys',
    auth: 'apiKey',
    tag: 'keys',
    summary: 'Make an API key for the account',
    description: 'Each key has its own rate limit: 10 calls a second with bursts of 20 unless `limit` says otherwise.',
    body: API_KEY_INPUT,
    cloud: false,
    ok: { status: 201, description: 'the key, shown only now', schema: CREATED_API_KEY },
    errors: { 504: `${UNCONFIRMED_WRITE}: ${KEY_UNCONFIRMED} (\`outcome_unknown\`)` },
    async handle({ accountId, body }, bridge) {
      return { ...(await bridge.apiKeys.create(accountId, body)), note: 'the key is shown only now; store it' };
    },
  }),
  route({
    method: 'DELETE',
    path: '/keys/{keyId}',
    auth: 'apiKey',
    tag: 'keys',
    summary: 'Revoke an API key',
    description: 'It stops working at once, also when it is the key this request came with.',
    params: KEY_ID_PATH,
    cloud: false,
    ok: { status: 204, description: 'revoked' },
    errors: { 404: 'the account has no key with that id (`not_found`)' },
    handle: ({ accountId, params }, bridge) => bridge.apiKeys.revoke(accountId, params.keyId),
  }),
];
