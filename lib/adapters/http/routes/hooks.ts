import { UNCONFIRMED_WRITE } from '../../../errors';
import { HOOK_CHANGE, HOOK_ID, HOOK_INPUT, HOOK_UNCONFIRMED } from '../../../webhooks/webhooks';
import { CONTROL_RESULT, CREATED_HOOK, HOOK, HOOK_LIST, ROTATED_HOOK } from '../answers';
import { pathParams, route, type Route } from '../route';
import { DEVICE_404, HOOK_PATH } from './common';

const HOOK_ID_PATH = pathParams({ hookId: HOOK_ID });
const HOOK_404 = 'the account has no such webhook (`not_found`)';
const hookUrl = (baseUrl: string, hookId: string, secret: string) => `${baseUrl}/hooks/${hookId}/${secret}`;

/** Webhooks: made, listed, changed and revoked behind an API key; run by whoever holds the URL. */
export const hookRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/hooks',
    auth: 'apiKey',
    idempotent: true,
    tag: 'webhooks',
    summary: 'Create a webhook bound to one device action',
    description: 'Each hook has its own rate limit: 1 call a second with bursts of 5 unless `limit` says otherwise.',
    body: HOOK_INPUT,
    ok: { status: 201, description: 'the hook; its secret and URL are shown only now', schema: CREATED_HOOK },
    errors: { 404: DEVICE_404, 422: 'also: the device cannot do the action', 504: `${UNCONFIRMED_WRITE}: ${HOOK_UNCONFIRMED} (\`outcome_unknown\`)` },
    async handle({ accountId, body, baseUrl }, bridge) {
      const hook = await bridge.webhooks.create(accountId, body);
      return { ...hook, url: hookUrl(baseUrl, hook.hookId, hook.secret), note: 'the secret is shown only now; store the URL' };
    },
    // The secret is stored only as its hash: a repeat of the request is told the hook, not its secret.
    keptForRepeats: (answer) => {
      const { secret: _secret, url: _url, ...hook } = answer as { secret: string; url: string };
      return { ...hook, note: `the hook was made by the first request with this Idempotency-Key, which alone was shown its secret; if that answer was lost, give the hook a new secret with PUT /hooks/${(hook as { hookId: string }).hookId}/secret` };
    },
  }),
  route({
    method: 'GET',
    path: '/hooks',
    auth: 'apiKey',
    tag: 'webhooks',
    summary: "The account's webhooks",
    description: 'Never their secrets: a lost URL is replaced with `PUT /hooks/{hookId}/secret`.',
    cloud: false,
    ok: { status: 200, description: 'oldest first', schema: HOOK_LIST },
    handle: async ({ accountId }, bridge) => ({ hooks: await bridge.webhooks.list(accountId) }),
  }),
  route({
    method: 'PATCH',
    path: '/hooks/{hookId}',
    auth: 'apiKey',
    tag: 'webhooks',
    summary: "Rename a webhook or change its rate limit",
    params: HOOK_ID_PATH,
    body: HOOK_CHANGE,
    cloud: false,
    ok: { status: 200, description: 'the hook as it is now', schema: HOOK },
    errors: { 404: HOOK_404 },
    handle: ({ accountId, params, body }, bridge) => bridge.webhooks.update(accountId, params.hookId, body),
  }),
  route({
    method: 'DELETE',
    path: '/hooks/{hookId}',
    auth: 'apiKey',
    tag: 'webhooks',
    summary: 'Delete a webhook',
    description: 'Its URL stops working at once.',
    params: HOOK_ID_PATH,
    cloud: false,
    ok: { status: 204, description: 'deleted' },
    errors: { 404: HOOK_404 },
    handle: ({ accountId, params }, bridge) => bridge.webhooks.delete(accountId, params.hookId),
  }),
  route({
    method: 'PUT',
    path: '/hooks/{hookId}/secret',
    auth: 'apiKey',
    tag: 'webhooks',
    summary: 'Give a webhook a new secret',
    description: 'For a URL that leaked: the old URL stops working at once, the hook keeps its id, action and limit. No body.',
    params: HOOK_ID_PATH,
    cloud: false,
    ok: { status: 200, description: 'the new secret and URL, shown only now', schema: ROTATED_HOOK },
    errors: { 404: HOOK_404 },
    async handle({ accountId, params, baseUrl }, bridge) {
      const { hookId, secret } = await bridge.webhooks.rotate(accountId, params.hookId);
      return { hookId, secret, url: hookUrl(baseUrl, hookId, secret), note: 'the secret is shown only now; the old URL no longer works' };
    },
  }),
  route({
    method: 'POST',
    path: '/hooks/{hookId}/{secret}',
    auth: 'none',
    tag: 'webhooks',
    summary: "Run a webhook's action",
    description: "No API key: the secret in the path is the authority. The request body is ignored, so IFTTT may send anything. Each call spends one of the hook's rate limit.",
    params: HOOK_PATH,
    ok: { status: 200, description: 'what was set', schema: CONTROL_RESULT },
    errors: {
      401: 'no such webhook, or the secret does not match: the same answer for either (`unauthorized`); nothing runs',
      404: 'the device is no longer in the account (`not_found`)',
      429: "the hook's rate limit is spent (`rate_limited`); `Retry-After` says in how many seconds a call is taken again; nothing runs",
      504: 'the device did not answer (`device_offline`)',
    },
    handle: ({ params }, bridge) => bridge.webhooks.run(params.hookId, params.secret),
  }),
];
