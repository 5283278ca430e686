import { Type, type Static } from '../../schema';

/*
 * Google's fulfillment requests (cloud-to-cloud), as far as the bridge reads them. Objects take
 * unknown fields (Google adds some); what the bridge reads is checked. Command params are
 * checked by the command itself, so a bad one fails that device alone.
 */

const ID = Type.String({ minLength: 1, maxLength: 256 });
const TARGETS = Type.Array(Type.Object({ id: ID, customData: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }), { maxItems: 300 });

export const FULFILLMENT_REQUEST = Type.Object({
  // Ids become part of a table key: bounded.
  requestId: Type.String({ minLength: 1, maxLength: 128 }),
  inputs: Type.Array(Type.Object({ intent: Type.String({ maxLength: 64 }), payload: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }), { minItems: 1, maxItems: 1 }),
});
export type FulfillmentRequest = Static<typeof FULFILLMENT_REQUEST>;

export const QUERY_PAYLOAD = Type.Object({ devices: TARGETS });

export const EXECUTION = Type.Object({ command: Type.String({ maxLength: 128 }), params: Type.Optional(Type.Record(Type.String(), Type.Unknown())) });
export type Execution = Static<typeof EXECUTION>;

export const EXECUTE_PAYLOAD = Type.Object({
  commands: Type.Array(Type.Object({ devices: TARGETS, execution: Type.Array(EXECUTION, { minItems: 1, maxItems: 10 }) }), { minItems: 1, maxItems: 50 }),
});

export const ON_OFF = Type.Object({ on: Type.Boolean() });
export const BRIGHTNESS_ABSOLUTE = Type.Object({ brightness: Type.Number() });
export const COLOR_ABSOLUTE = Type.Object({
  color: Type.Object({
    temperature: Type.Optional(Type.Number()),
    spectrumRGB: Type.Optional(Type.Number()),
    spectrumHSV: Type.Optional(Type.Object({ hue: Type.Number(), saturation: Type.Number(), value: Type.Number() })),
  }),
});
export const ACTIVATE_SCENE = Type.Object({ deactivate: Type.Optional(Type.Boolean()) });
