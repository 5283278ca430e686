import type { Logger } from '@aws-lambda-powertools/logger';
import type { AssistantTokens } from '../../accounts/assistant-tokens';
import { withinDeadline } from '../../deadline';
import type { Bridge } from '../../bridge';
import { parse } from '../../schema';
import { DIRECTIVES, type DirectiveContext } from './directives';
import { AlexaProblem, alexaError, invalidDirective } from './errors';
import { ACCEPT_GRANT, DIRECTIVE, type Directive } from './messages';
import { errorResponse, event, type AlexaResponse, type Answering } from './responses';

/**
 * Alexa waits 8 s for an answer. The bridge's own limits add up past that on a bad day (a
 * socket reply 5 s, then the HTTP fallback 6 s; a token refresh before either), so the domain
 * work of a directive is given this long, which leaves time for recording the answer and for
 * Lambda itself.
 */
export const ALEXA_DEADLINE_MS = 6_000;

/** The whole directive's budget, ms: its answer recorded and sent within Alexa's 8 s. */
export const ALEXA_BUDGET_MS = 7_000;

export interface AlexaOptions {
  tokens: AssistantTokens;
  /** How long a directive's domain work may take before it is answered as unreachable, ms (default `ALEXA_DEADLINE_MS`). */
  deadlineMs?: number;
  logger?: Logger;
  now?: () => number;
}

/**
 * Answers one Alexa Smart Home directive (payload v3). Never throws: a bad directive, a wrong
 * token or any failure is an ErrorResponse of the fitting type. A directive that changes a
 * device acts once per messageId; a copy within 5 minutes gets the first answer.
 *
 * @example
 * const answer = await answerDirective(bridge, { directive: { header: { namespace: 'Alexa.PowerController', name: 'TurnOn', … }, … } }, { tokens });
 * answer.event.header.name // 'Response', or 'ErrorResponse' with payload.type ENDPOINT_UNREACHABLE, NO_SUCH_ENDPOINT, …
 */
export async function answerDirective(source: Bridge | (() => Promise<Bridge>), input: unknown, options: AlexaOptions): Promise<AlexaResponse> {
  const started = Date.now();
  let directive: Directive;
  try {
    directive = parse(DIRECTIVE, input, '').directive;
  } catch (err) {
    return errorResponse({ type: 'INVALID_DIRECTIVE', message: `not a Smart Home v3 directive: ${(err as Error).message}` }, {});
  }
  const { namespace, name, messageId, correlationToken } = directive.header;
  const to: Answering = { correlationToken, endpointId: directive.endpoint?.endpointId };
  const answer = await respond(source, directive, to, options);
  const outcome = answer.event.header.name === 'ErrorResponse' ? String(answer.event.payload.type) : answer.event.header.name;
  options.logger?.info('directive', { directive: `${namespace}.${name}`, messageId, endpointId: to.endpointId, outcome, ms: Date.now() - started });
  return answer;
}

async function respond(source: Bridge | (() => Promise<Bridge>), directive: Directive, to: Answering, options: AlexaOptions): Promise<AlexaResponse> {
  const { namespace, name, messageId } = directive.header;
  if (namespace === 'Alexa.Authorization' && name === 'AcceptGrant') return acceptGrant(directive, to, options);
  const spec = DIRECTIVES[`${namespace}.${name}`];
  try {
    if (!spec) throw invalidDirective(`the bridge does not take ${namespace}.${name}`);
    if (namespace !== 'Alexa.Discovery' && !directive.endpoint) throw invalidDirective(`${name} needs an endpoint`);
    const token = namespace === 'Alexa.Discovery' ? directive.payload.scope : directive.endpoint?.scope;
    const accountId = await accountOf(options.tokens, (token as { token?: unknown } | undefined)?.token);
    const bridge = typeof source === 'function' ? await source() : source;
    const ctx: DirectiveContext = { bridge, accountId, directive, to, now: options.now ?? Date.now, deadlineMs: options.deadlineMs ?? ALEXA_DEADLINE_MS };
    const run = () => {
      const work = spec.late ? withinDeadline(spec.run(ctx), ctx.deadlineMs, spec.late) : spec.run(ctx);
      // Failures are answers too: a copy of the directive gets the same one, and acts no more than the first did.
      return work.catch((err: unknown) => failure(err, to, options.logger));
    };
    if (!spec.acts) return await run();
    // A retry is the same directive again; its token may have been refreshed in between.
    const content = { namespace, name, endpointId: directive.endpoint?.endpointId, payload: directive.payload };
    const once = await bridge.replies.once({ caller: 'alexa', accountId, messageId, content }, run);
    if (once.status === 'pending') return errorResponse({ type: 'ENDPOINT_BUSY', message: 'this directive is being carried out already' }, to);
    return once.answer;
  } catch (err) {
    return failure(err, to, options.logger);
  }
}

async function accountOf(tokens: AssistantTokens, token: unknown): Promise<string> {
  if (typeof token !== 'string' || token === '') throw new AlexaProblem('INVALID_AUTHORIZATION_CREDENTIAL', 'the directive carries no bearer token');
  const check = await tokens.verify(token);
  if (check.status === 'expired') throw new AlexaProblem('EXPIRED_AUTHORIZATION_CREDENTIAL', 'the access token has expired; refresh it');
  if (check.status === 'invalid') throw new AlexaProblem('INVALID_AUTHORIZATION_CREDENTIAL', 'the access token is not valid: link the skill again');
  return check.accountId;
}

/** AcceptGrant: the link is made by then; the bridge sends no proactive events, so the grant is only checked, not exchanged. */
async function acceptGrant(directive: Directive, to: Answering, options: AlexaOptions): Promise<AlexaResponse> {
  try {
    const { grantee } = parse(ACCEPT_GRANT, directive.payload, 'payload');
    await accountOf(options.tokens, grantee.token);
    return event('Alexa.Authorization', 'AcceptGrant.Response', { correlationToken: to.correlationToken });
  } catch (err) {
    const { payload } = alexaError(err);
    return errorResponse({ type: 'ACCEPT_GRANT_FAILED', message: `the grant was not accepted: ${payload.message}` }, { correlationToken: to.correlationToken }, 'Alexa.Authorization');
  }
}

function failure(err: unknown, to: Answering, logger: Logger | undefined): AlexaResponse {
  const { payload, internal } = alexaError(err);
  if (internal) logger?.error('directive failed', { error: err as Error });
  return errorResponse(payload, to);
}
