import type { ControlResult, DeviceController } from '../devices/controller';
import { DEVICE_COMMAND, parseCommand, type DeviceCommand } from '../devices/command';
import { DEVICE_ID, displayName } from '../devices/management';
import { NotFound, Unauthorized, unconfirmedWrite } from '../errors';
import { HOOK_RATE, RATE_LIMIT, spendToken, type RateLimit } from '../rate-limit';
import { Text, Type, type Static } from '../schema';
import { secretMatches } from '../secrets';
import type { Hook, HookRepository } from './model';

/** A webhook as it is listed: never its secret, always the limit it runs under. */
export interface HookView {
  hookId: string;
  deviceid: string;
  action: DeviceCommand;
  name?: string;
  createdAt: string;
  lastUsedAt?: string;
  limit: RateLimit;
}

export interface CreatedHook extends HookView {
  /** Shown once: only its hash is stored. */
  secret: string;
}

const TOKEN = /^[A-Za-z0-9_-]{8,128}$/;
const refused = () => new Unauthorized('unknown webhook or wrong secret');
const iso = (ms: number) => new Date(ms).toISOString();

/** A hook's id, as its URL and the list show it. */
export const HOOK_ID = Text({ description: "the hook's id, from its URL or the list", minLength: 8, maxLength: 128, pattern: TOKEN, rule: 'must be a hook id: 8 to 128 letters, digits, "_" or "-"', example: 'Qk3xN0p4R2tY' });

const HOOK_NAME = displayName('a label for people', 'hall button', 100);

/** A webhook as a caller asks for it: one device, one action. */
export const HOOK_INPUT = Type.Object(
  {
    deviceid: DEVICE_ID,
    action: DEVICE_COMMAND,
    name: Type.Optional(HOOK_NAME),
    limit: Type.Optional(RATE_LIMIT),
  },
  { $id: 'CreateHook', additionalProperties: false, examples: [{ deviceid: '1000000001', action: { power: 'toggle' }, name: 'hall button' }] },
);
export type HookInput = Static<typeof HOOK_INPUT>;

/** What may be changed on a webhook: its name, its limit. */
export const HOOK_CHANGE = Type.Object(
  { name: Type.Optional(HOOK_NAME), limit: Type.Optional(RATE_LIMIT) },
  { $id: 'ChangeHook', additionalProperties: false, minProperties: 1, examples: [{ limit: { perSecond: 0.5, burst: 3 } }] },
);
export type HookChangeInput = Static<typeof HOOK_CHANGE>;

/**
 * Webhooks bound to one device action: created behind an API key, then called by anyone
 * holding the URL (IFTTT's "make a web request", a button, a script). Each call spends a token
 * of the hook's own bucket (`HOOK_RATE` unless it was given a limit), so a leaked URL can be
 * slowed at once and revoked or rotated from the list.
 *
 * @example
 * const { hookId, secret } = await webhooks.create('default', { deviceid: '1000000001', action: { power: 'toggle' } });
 * await webhooks.run(hookId, secret); // toggles the lamp
 */
export class Webhooks {
  constructor(
    private readonly hooks: HookRepository,
    private readonly controller: DeviceController,
    private readonly now: () => number = Date.now,
  ) {}

  async create(accountId: string, { deviceid, action, name, limit }: HookInput): Promise<CreatedHook> {
    await this.controller.check(accountId, deviceid, action, 'action');
    const { hook, secret } = await this.hooks.create({ accountId, deviceid, action, name, limit }, this.now()).catch((err: unknown) => {
      throw unconfirmedWrite(err, HOOK_UNCONFIRMED);
    });
    return { ...view(hook), secret };
  }

  /** The account's webhooks, oldest first. */
  async list(accountId: string): Promise<HookView[]> {
    return (await this.hooks.list(accountId)).map(view);
  }

  /** Deletes one of the account's webhooks; its URL stops working at once. */
  async delete(accountId: string, hookId: string): Promise<void> {
    if (!(await this.hooks.delete(hookId, accountId))) throw noSuchHook(hookId);
  }

  /** A new secret for one of the account's webhooks (shown once); the old URL stops working at once. */
  async rotate(accountId: string, hookId: string): Promise<{ hookId: string; secret: string }> {
    const secret = await this.hooks.rotate(hookId, accountId);
    if (secret === undefined) throw noSuchHook(hookId);
    return { hookId, secret };
  }

  /** Renames a webhook or changes its limit. */
  async update(accountId: string, hookId: string, change: HookChangeInput): Promise<HookView> {
    const hook = await this.hooks.update(hookId, accountId, change);
    if (!hook) throw noSuchHook(hookId);
    return view(hook);
  }

  /**
   * Runs the hook's action if the secret is right and its limit allows; any mismatch is the
   * same 401, and nothing runs.
   */
  async run(hookId: string, secret: string): Promise<ControlResult> {
    if (!TOKEN.test(hookId) || !TOKEN.test(secret)) throw refused();
    const hook = await this.hooks.get(hookId);
    if (!hook || !secretMatches(secret, hook.secretHash)) throw refused();
    await spendToken(hook.limit ?? HOOK_RATE, hook, this.hooks.bucket(hook), 'this webhook', refused, this.now);
    // The stored action is checked again, as when the hook was made: it may predate a rule, or
    // the device may have changed. Errors name it as `action`, since the call itself carries none.
    return this.controller.control(hook.accountId, hook.deviceid, parseCommand(hook.action, 'action'), 'action');
  }
}

/** What a caller hears when a new hook's write went to the table and its answer (with the secret) was lost. */
export const HOOK_UNCONFIRMED =
  'the webhook may have been stored, but its URL was lost with the answer. List the webhooks (GET /hooks) before creating it again; one whose URL you never got can be deleted, or given a new one with PUT /hooks/{hookId}/secret';

const noSuchHook = (hookId: string) => new NotFound(`the account has no webhook "${hookId}"`);

function view(hook: Hook): HookView {
  return {
    hookId: hook.hookId,
    deviceid: hook.deviceid,
    action: hook.action,
    ...(hook.name === undefined ? {} : { name: hook.name }),
    createdAt: iso(hook.createdAt),
    ...(hook.lastUsedAt === undefined ? {} : { lastUsedAt: iso(hook.lastUsedAt) }),
    limit: hook.limit ?? HOOK_RATE,
  };
}
