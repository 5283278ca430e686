import { jsonBody, type Route } from '../route-types';

/** Webhooks: create one (API key), run one (its secret). */
export const hookRoutes: Route[] = [
  {
    method: 'POST',
    path: '/hooks',
    auth: true,
    async run(req, bridge, accountId) {
      const hook = await bridge.webhooks.create(accountId, jsonBody(req));
      const url = `${req.baseUrl}/hooks/${hook.hookId}/${hook.secret}`;
      return { status: 201, body: { ...hook, url, note: 'the secret is shown only now; store the URL' } };
    },
  },
  {
    method: 'POST',
    path: '/hooks/{hookId}/{secret}',
    auth: false,
    async run(req, bridge) {
      // Whatever body the caller sends (IFTTT sends its own) is not read: the hook's action is fixed.
      return { status: 200, body: await bridge.webhooks.run(req.params.hookId ?? '', req.params.secret ?? '') };
    },
  },
];
