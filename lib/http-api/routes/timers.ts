import { text } from '../../input';
import { deviceId, jsonBody, pathParam, type ApiRequest, type Route } from '../route-types';

/** A timer or scene id: what the bridge handed out (a uuid). */
export const MODEL_ID = text({ description: 'the id the bridge gave it', minLength: 1, maxLength: 64, pattern: /^[A-Za-z0-9-]+$/, rule: 'letters, digits and dashes' });

const timerId = (req: ApiRequest) => pathParam(req, 'timerId', MODEL_ID);
const sceneId = (req: ApiRequest) => pathParam(req, 'sceneId', MODEL_ID);

/** Device timers and scenes: the local model, pushed to the devices as their full timer arrays. */
export const timerRoutes: Route[] = [
  {
    method: 'GET',
    path: '/devices/{id}/timers',
    auth: true,
    async run(req, bridge, accountId) {
      return { status: 200, body: await bridge.timers.list(accountId, deviceId(req)) };
    },
  },
  {
    method: 'POST',
    path: '/devices/{id}/timers',
    auth: true,
    async run(req, bridge, accountId) {
      const id = deviceId(req);
      return { status: 201, body: await bridge.timers.add(accountId, id, jsonBody(req)) };
    },
  },
  {
    method: 'PUT',
    path: '/devices/{id}/timers/{timerId}',
    auth: true,
    async run(req, bridge, accountId) {
      const id = deviceId(req);
      const timer = timerId(req);
      return { status: 200, body: await bridge.timers.replace(accountId, id, timer, jsonBody(req)) };
    },
  },
  {
    method: 'DELETE',
    path: '/devices/{id}/timers/{timerId}',
    auth: true,
    async run(req, bridge, accountId) {
      const id = deviceId(req);
      return { status: 200, body: { push: await bridge.timers.remove(accountId, id, timerId(req)) } };
    },
  },
  {
    method: 'GET',
    path: '/scenes',
    auth: true,
    async run(_req, bridge, accountId) {
      return { status: 200, body: { scenes: await bridge.scenes.list(accountId) } };
    },
  },
  {
    method: 'POST',
    path: '/scenes',
    auth: true,
    async run(req, bridge, accountId) {
      return { status: 201, body: await bridge.scenes.create(accountId, jsonBody(req)) };
    },
  },
  {
    method: 'GET',
    path: '/scenes/{sceneId}',
    auth: true,
    async run(req, bridge, accountId) {
      return { status: 200, body: await bridge.scenes.get(accountId, sceneId(req)) };
    },
  },
  {
    method: 'PUT',
    path: '/scenes/{sceneId}',
    auth: true,
    async run(req, bridge, accountId) {
      const id = sceneId(req);
      return { status: 200, body: await bridge.scenes.replace(accountId, id, jsonBody(req)) };
    },
  },
  {
    method: 'DELETE',
    path: '/scenes/{sceneId}',
    auth: true,
    async run(req, bridge, accountId) {
      return { status: 200, body: { pushes: await bridge.scenes.remove(accountId, sceneId(req)) } };
    },
  },
  {
    method: 'POST',
    path: '/scenes/{sceneId}/run',
    auth: true,
    async run(req, bridge, accountId) {
      // Whatever body comes is not read: the scene's actions are stored.
      return { status: 200, body: await bridge.scenes.run(accountId, sceneId(req)) };
    },
  },
];
