import type { ControlResult, DeviceController } from '../devices/controller';
import { parseCommand, type DeviceCommand } from '../devices/command';
import { BridgeError, invalidInput } from '../errors';
import { secretMatches } from '../secrets';
import type { HookRepository } from '../store/types';

export interface CreatedHook {
  hookId: string;
  /** Shown once: only its hash is stored. */
  secret: string;
  deviceid: string;
  action: DeviceCommand;
  name?: string;
}

const TOKEN = /^[A-Za-z0-9_-]{8,128}$/;
const refused = () => new BridgeError('unauthorized', 'unknown webhook or wrong secret');

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

  async create(accountId: string, input: unknown): Promise<CreatedHook> {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw invalidInput('body', 'must be a JSON object such as {"deviceid": "…", "action": {"power": "on"}}');
    }
    const { deviceid, action, name, ...rest } = input as Record<string, unknown>;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) throw invalidInput(unknown, 'unknown field; a webhook takes deviceid, action and name');
    if (typeof deviceid !== 'string' || deviceid.length === 0 || deviceid.length > 64) {
      throw invalidInput('deviceid', 'must be the device id, a non-empty string');
    }
    if (name !== undefined && (typeof name !== 'string' || name.length > 100)) {
      throw invalidInput('name', 'must be a string of at most 100 characters');
    }
    const command = parseCommand(action, 'action');
    await this.controller.check(accountId, deviceid, command, 'action');
    const { hook, secret } = await this.hooks.create({ accountId, deviceid, action: command, name: name as string | undefined });
    return { hookId: hook.hookId, secret, deviceid, action: command, name: name as string | undefined };
  }

  /** Runs the hook's action if the secret is right; any mismatch is the same 401, and nothing runs. */
  async run(hookId: string, secret: string): Promise<ControlResult> {
    if (!TOKEN.test(hookId) || !TOKEN.test(secret)) throw refused();
    const hook = await this.hooks.get(hookId);
    if (!hook || !secretMatches(secret, hook.secretHash)) throw refused();
    return this.controller.control(hook.accountId, hook.deviceid, parseCommand(hook.action));
  }
}
