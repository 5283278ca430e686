import { SCENE_INPUT } from '../../../scenes/scene-service';
import { MAX_DEVICE_TIMERS } from '../../../timers/compile';
import { SCENE_CHANGE, SCENE_LIST, SCENE_PUSHES, SCENE_RUN, STORED_SCENE } from '../answers';
import { route, type Route } from '../route';
import { SCENE_PATH } from './common';

const SCENE_404 = 'no such scene (`not_found`)';
const UNCONFIRMED = "the bridge's database did not confirm the write in time (`outcome_unknown`): the scene may have been stored. List the scenes before trying again; a stored schedule reaches its devices by the hourly reconcile at the latest";
const CANNOT_TAKE = `also: a device cannot do its action, or a scheduled scene would leave a device's timer array holding more than ${MAX_DEVICE_TIMERS} entries, counting those set in the phone app or by other accounts (\`error.field\` is \`schedule\`)`;

/** Scenes: named sets of device commands, run now or on a schedule the devices run themselves. */
export const sceneRoutes: Route[] = [
  route({
    method: 'GET',
    path: '/scenes',
    auth: 'apiKey',
    tag: 'scenes',
    summary: 'List the scenes',
    cloud: false,
    ok: { status: 200, description: 'the scenes', schema: SCENE_LIST },
    handle: async ({ accountId }, bridge) => ({ scenes: await bridge.scenes.list(accountId) }),
  }),
  route({
    method: 'POST',
    path: '/scenes',
    auth: 'apiKey',
    idempotent: true,
    tag: 'scenes',
    summary: 'Create a scene',
    description: 'A scheduled scene is compiled into the timers of every device it acts on and pushed to them.',
    body: SCENE_INPUT,
    ok: { status: 201, description: 'the scene, and the pushes to its devices when scheduled', schema: SCENE_CHANGE },
    errors: { 404: 'a device of an action is not in the account (`not_found`)', 422: CANNOT_TAKE, 504: UNCONFIRMED },
    handle: ({ accountId, body }, bridge) => bridge.scenes.create(accountId, body),
  }),
  route({
    method: 'GET',
    path: '/scenes/{sceneId}',
    auth: 'apiKey',
    tag: 'scenes',
    summary: 'Read a scene',
    params: SCENE_PATH,
    cloud: false,
    ok: { status: 200, description: 'the scene', schema: STORED_SCENE },
    errors: { 404: SCENE_404 },
    handle: ({ accountId, params }, bridge) => bridge.scenes.get(accountId, params.sceneId),
  }),
  route({
    method: 'PUT',
    path: '/scenes/{sceneId}',
    auth: 'apiKey',
    tag: 'scenes',
    summary: 'Replace a scene',
    description:
      'The request carries no version: the bridge reads the scene, then writes the new one on condition that the stored scene is still the one it read. When another request changed or replaced the scene between that read and that write (two edits of one scene at once), the write is refused with 409 and nothing changes; read it again and retry.',
    params: SCENE_PATH,
    body: SCENE_INPUT,
    ok: { status: 200, description: 'the scene, and the pushes to the devices it acted on before or acts on now', schema: SCENE_CHANGE },
    errors: { 404: 'no such scene, or a device of an action is not in the account (`not_found`)', 409: "another request changed the scene between this request's read of it and its write (`conflict`); nothing was changed or pushed: read the scene again and send the edit again", 422: CANNOT_TAKE, 504: UNCONFIRMED },
    handle: ({ accountId, params, body }, bridge) => bridge.scenes.replace(accountId, params.sceneId, body),
  }),
  route({
    method: 'DELETE',
    path: '/scenes/{sceneId}',
    auth: 'apiKey',
    tag: 'scenes',
    summary: 'Delete a scene',
    description: 'The scene is deleted whatever its pushes meet: a device that cannot be given its new timer array is reported in `pushes` (status `failed` or `pending`), and the hourly reconcile pushes again.',
    params: SCENE_PATH,
    // A push that fails is reported in the answer: the deletion itself never answers 502.
    cloud: false,
    ok: { status: 200, description: 'the pushes to the devices it was scheduled on', schema: SCENE_PUSHES },
    errors: { 404: SCENE_404 },
    handle: async ({ accountId, params }, bridge) => ({ pushes: await bridge.scenes.remove(accountId, params.sceneId) }),
  }),
  route({
    method: 'POST',
    path: '/scenes/{sceneId}/run',
    auth: 'apiKey',
    idempotent: true,
    tag: 'scenes',
    summary: 'Run a scene now',
    description:
      'Every action at once, over one socket session; each device answers for itself, so an offline device is reported in its own result and holds up nobody else. Any body is ignored: the actions are stored.',
    params: SCENE_PATH,
    // Each device's failure, the cloud's included, is in its own result: the run itself never answers 502.
    cloud: false,
    ok: { status: 200, description: 'a result per device', schema: SCENE_RUN },
    errors: { 404: SCENE_404 },
    handle: ({ accountId, params }, bridge) => bridge.scenes.run(accountId, params.sceneId),
  }),
];
