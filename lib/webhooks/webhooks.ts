import type { ControlResult, DeviceController } from '../devices/controller';
import { DEVICE_COMMAND, parseCommand, type DeviceCommand } from '../devices/command';
import { DEVICE_ID, displayName } from '../devices/management';
import { Unauthorized } from '../errors';
import { Type, type Static } from '../schema';
import { secretMatches } from '../secrets';
import type { HookRepository } from './model';

export interface CreatedHook {
  hookId: string;
  /** Shown once: only its hash is stored. */
  secret: string;
  deviceid: string;
  action: DeviceCommand;
  name?: string;
}

const TOKEN = /^[A-Za-z0-9_-]{8,128}$/;
const refused = () => new Unauthorized('unknown webhook or wrong secret');

/** A webhook as a caller asks for it: one device, one action. */
export const HOOK_INPUT = Type.Object(
  {
    deviceid: DEVICE_ID,
    action: DEVICE_COMMAND,
    name: Type.Optional(displayName('a label for people', 'hall button', 100)),
  },
  { $id: 'CreateHook', additionalProperties: false, examples: [{ deviceid: '1000000001', action: { power: 'toggle' }, name: 'hall button' }] },
);
export type HookInput = Static<typeof HOOK_INPUT>;


/**
 * Webhooks bound to one device action: created behind an API key, then called by anyone
 * holding the URL (IFTTT's "make a web request", a button, a script).
 *
 * @example
 * const { hookId, secret } = await webhooks.create('default', { deviceid: '1000000001', action: { power: 'toggle' } });
 * await webhooks.run(hookId, secret); // toggles the lamp
 */
export class Webhooks {
  constructor(
    private readonly hooks: HookRepository,
    private readonly controller: DeviceController,
  ) {}

  async create(accountId: string, { deviceid, action, name }: HookInput): Promise<CreatedHook> {
    await this.controller.check(accountId, deviceid, action, 'action');
    const { hook, secret } = await this.hooks.create({ accountId, deviceid, action, name });
    return { hookId: hook.hookId, secret, deviceid, action, ...(name === undefined ? {} : { name }) };
  }

  /** Runs the hook's action if the secret is right; any mismatch is the same 401, and nothing runs. */
  async run(hookId: string, secret: string): Promise<ControlResult> {
    if (!TOKEN.test(hookId) || !TOKEN.test(secret)) throw refused();
    const hook = await this.hooks.get(hookId);
    if (!hook || !secretMatches(secret, hook.secretHash)) throw refused();
    // The stored action is checked again, as when the hook was made: it may predate a rule, or
    // the device may have changed. Errors name it as `action`, since the call itself carries none.
    return this.controller.control(hook.accountId, hook.deviceid, parseCommand(hook.action, 'action'), 'action');
  }
}
