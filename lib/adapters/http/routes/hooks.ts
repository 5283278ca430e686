import { HOOK_INPUT } from '../../../webhooks/webhooks';
import { CONTROL_RESULT, CREATED_HOOK } from '../answers';
import { route, type Route } from '../route';
import { DEVICE_404, HOOK_PATH } from './common';

/** Webhooks: create one (API key), run one (its secret). */
export const hookRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/hooks',
    auth: 'apiKey',
    tag: 'webhooks',
    summary: 'Create a webhook bound to one device action',
    body: HOOK_INPUT,
    ok: { status: 201, description: 'the hook; its secret and URL are shown only now', schema: CREATED_HOOK },
    errors: { 404: DEVICE_404, 422: 'also: the device cannot do the action' },
    async handle({ accountId, body, baseUrl }, bridge) {
      const hook = await bridge.webhooks.create(accountId, body);
      return { ...hook, url: `${baseUrl}/hooks/${hook.hookId}/${hook.secret}`, note: 'the secret is shown only now; store the URL' };
    },
  }),
  route({
    method: 'POST',
    path: '/hooks/{hookId}/{secret}',
    auth: 'none',
    tag: 'webhooks',
    summary: "Run a webhook's action",
    description: 'No API key: the secret in the path is the authority. The request body is ignored, so IFTTT may send anything.',
    params: HOOK_PATH,
    ok: { status: 200, description: 'what was set', schema: CONTROL_RESULT },
    errors: {
      401: 'no such webhook, or the secret does not match: the same answer for either (`unauthorized`); nothing runs',
      404: 'the device is no longer in the account (`not_found`)',
      504: 'the device did not answer (`device_offline`)',
    },
    handle: ({ params }, bridge) => bridge.webhooks.run(params.hookId, params.secret),
  }),
];
