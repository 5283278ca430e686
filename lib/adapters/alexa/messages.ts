import { Type, type Static } from '../../schema';

/*
 * The directives Alexa sends (Smart Home payload v3), as far as the bridge reads them. Alexa
 * may add fields at any time, so objects take unknown ones; what the bridge reads is checked.
 * Values are checked for type here and for range by the directive (an out-of-range value has
 * its own error, which names the valid range).
 */

const TEXT = Type.String({ minLength: 1, maxLength: 1024 });

export const SCOPE = Type.Object({ type: Type.Literal('BearerToken'), token: TEXT });

export const DIRECTIVE = Type.Object({
  directive: Type.Object({
    header: Type.Object({
      namespace: TEXT,
      name: TEXT,
      payloadVersion: Type.Literal('3'),
      // Ids become part of a table key: bounded, and of the characters Alexa uses.
      messageId: Type.String({ minLength: 1, maxLength: 127, pattern: '^[A-Za-z0-9._:-]+$' }),
      correlationToken: Type.Optional(TEXT),
    }),
    endpoint: Type.Optional(
      Type.Object({
        endpointId: Type.String({ minLength: 1, maxLength: 256 }),
        scope: Type.Optional(SCOPE),
        cookie: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      }),
    ),
    payload: Type.Record(Type.String(), Type.Unknown()),
  }),
});
export type Directive = Static<typeof DIRECTIVE>['directive'];

export const ACCEPT_GRANT = Type.Object({
  grant: Type.Object({ type: Type.Literal('OAuth2.AuthorizationCode'), code: TEXT }),
  grantee: SCOPE,
});
export const DISCOVER = Type.Object({ scope: SCOPE });
export const SET_BRIGHTNESS = Type.Object({ brightness: Type.Number() });
export const ADJUST_BRIGHTNESS = Type.Object({ brightnessDelta: Type.Number() });
export const SET_COLOR = Type.Object({ color: Type.Object({ hue: Type.Number(), saturation: Type.Number(), brightness: Type.Number() }) });
export const SET_COLOR_TEMPERATURE = Type.Object({ colorTemperatureInKelvin: Type.Number() });
