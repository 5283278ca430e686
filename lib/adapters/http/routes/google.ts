import { withBudgetOf } from '../../../deadline';
import { fulfill, GOOGLE_BUDGET_MS, GOOGLE_DEADLINE_MS } from '../../google/fulfill';
import { Type } from '../../../schema';
import { bearerToken, route, type Route } from '../route';

/** What Google gets back: its own fulfillment response (Google's schemas in test/reference say the rest). */
const FULFILLMENT_RESPONSE = Type.Object(
  {
    requestId: Type.Optional(Type.String({ description: 'the request’s own' })),
    payload: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'SYNC: agentUserId and devices; QUERY: devices by id; EXECUTE: commands; a whole-request failure: errorCode' })),
  },
  { $id: 'FulfillmentResponse', description: 'a Google smart home fulfillment response (DISCONNECT: an empty object)' },
);

/** Google Home's cloud-to-cloud fulfillment: the one URL the Google project's integration points at. */
export const googleRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/google/fulfillment',
    auth: 'none',
    tag: 'assistants',
    answers: 'assistant',
    summary: 'Google Home fulfillment: SYNC, QUERY, EXECUTE, DISCONNECT',
    description: `Google sends the access token the bridge's OAuth server issued for the link (\`Authorization: Bearer …\`); the account is the one it was issued for. SYNC lists each device (each channel of a multi-channel switch apart) and each scene; QUERY reads them live; EXECUTE acts on all its devices at once over one socket session, each device answered for itself, and a device that has not answered in ${GOOGLE_DEADLINE_MS / 1000} s is \`deviceOffline\`; DISCONNECT ends the link. An EXECUTE repeated with the same requestId within 5 minutes gets the first answer and acts no more.`,
    body: Type.Unknown({ description: 'a fulfillment request, as Google sends it', examples: [{ requestId: 'ff36a3cc-ec34-11e6-b1a0-64510650abcf', inputs: [{ intent: 'action.devices.SYNC' }] }] }),
    cloud: false,
    ok: { status: 200, description: "Google's answer, per-device failures inside it", schema: FULFILLMENT_RESPONSE },
    errors: {
      400: 'not a fulfillment request, or an intent the bridge does not take (`payload.errorCode` `protocolError`)',
      401: 'no access token, or one the bridge did not issue, that has expired, or whose link has ended (`authFailure`)',
      503: "the bridge's database could not be reached to check the token (`transientError`)",
    },
    // Google waits less than the HTTP function may run: its request gets a budget of its own.
    handle: ({ body, headers }, bridge) => withBudgetOf(GOOGLE_BUDGET_MS, () => fulfill(bridge, body, bearerToken(headers.authorization), { tokens: bridge.assistantLinks })),
  }),
];
