import { EMAIL_LOGIN, PHONE_LOGIN } from '../accounts/logins';
import type { TokenKeeper } from '../accounts/token-keeper';
import type { DeviceDirectory } from '../devices/directory';
import type { CommandChannel, CommandTarget } from '../ewelink/command';
import type { Credentials, ShareOutcome } from '../ewelink/types';
import { displayName } from '../devices/management';
import { AlreadyShared, InvalidInput, NoSuchAccount, NotOwner, ShareRefused } from '../errors';
import { BadRequest } from '../ewelink/errors';
import { Int, Text, Type, type Static } from '../schema';
import type { CachedDevice } from '../devices/model';

/**
 * How long a share waits for the receiver's answer before the bridge answers 504 itself, ms:
 * the HTTP function has 29 s (infra/stack.ts), and opening a session may take up to 4 s first.
 */
export const SHARE_WAIT_MS = 12_000;

/** Who a device is shared with: their eWeLink login, an e-mail address or a +CC phone number. */
export const SHARE_UID = Text({
  description: "the receiver's eWeLink login: an e-mail address, or a phone number with its country code",
  minLength: 3,
  maxLength: 254,
  pattern: new RegExp(`${EMAIL_LOGIN.source}|${PHONE_LOGIN.source}`),
  rule: 'must be an eWeLink login: an e-mail address, or a phone number with its country code such as +447700900123',
  example: 'friend@example.com',
});

export const PERMIT = Int({
  description: 'what the receiver may do with the timers, a sum of 1 add, 2 edit, 4 delete, 8 enable (15 all, 0 none)',
  minimum: 0,
  maximum: 15,
  example: 15,
});

/** What the receiver sees when the caller gives no note: the cloud requires one on every share and change. */
export const DEFAULT_NOTE = 'via bridge';

const NOTE = displayName(`a note the receiver sees with the invitation, 1 to 10 characters (default "${DEFAULT_NOTE}")`, 'from Sam', 10);

export const SHARE_DEVICE = Type.Object(
  { uid: SHARE_UID, permit: Type.Optional(PERMIT), note: Type.Optional(NOTE) },
  { $id: 'ShareDevice', additionalProperties: false, examples: [{ uid: 'friend@example.com', permit: 15 }] },
);
export type ShareDevice = Static<typeof SHARE_DEVICE>;

export const UPDATE_SHARE = Type.Object({ permit: PERMIT, note: Type.Optional(NOTE) }, { $id: 'UpdateShare', additionalProperties: false, examples: [{ permit: 1 }] });
export type UpdateShare = Static<typeof UPDATE_SHARE>;

export interface Share {
  deviceid: string;
  uid: string;
  permit?: number;
  note?: string;
}

/**
 * Sharing a device with another eWeLink account (same region), over the account's WebSocket:
 * the receiver answers in their app, so a share is only made once they accept. Only the owner
 * can share; a device shared to this account cannot be shared on.
 *
 * @example
 * await sharing.share('default', '1000000001', { uid: 'friend@example.com', permit: 15 });
 */
export class Sharing {
  constructor(
    private readonly directory: DeviceDirectory,
    private readonly keeper: TokenKeeper,
    private readonly channel: CommandChannel,
  ) {}

  async share(accountId: string, deviceid: string, { uid, permit, note = DEFAULT_NOTE }: ShareDevice): Promise<Share> {
    await this.keeper.requireV1(accountId, 'sharing devices');
    if (await this.keeper.isOwnLogin(accountId, uid)) throw sharedWithOwner(deviceid);
    const device = await this.directory.find(accountId, deviceid);
    const outcome = await this.asOwner(accountId, device, (creds, target) =>
      this.channel.share(creds, target, { uid, deviceName: device.name, permit, note }).catch((err: unknown) => {
        // Every field the spec lists passed the bridge's checks, so what the cloud calls malformed
        // is the receiver: the owner's own login, which the bridge cannot check itself when the
        // link named none (an imported pair, the OAuth login, a link from before it kept logins).
        throw err instanceof BadRequest ? sharedWithOwner(deviceid, { cause: err }) : err;
      }),
    );
    accepted(outcome, uid, deviceid);
    return withOptional({ deviceid, uid }, permit, note);
  }

  /** Changes what the receiver may do with the device's timers. */
  async update(accountId: string, deviceid: string, uid: string, { permit, note = DEFAULT_NOTE }: UpdateShare): Promise<Share> {
    await this.keeper.requireV1(accountId, 'sharing devices');
    const device = await this.directory.find(accountId, deviceid);
    const outcome = await this.asOwner(accountId, device, (creds, target) =>
      this.channel.updateShare(creds, target, { uid, deviceName: device.name, permit, note }),
    );
    accepted(outcome, uid, deviceid);
    return withOptional({ deviceid, uid }, permit, note);
  }

  /**
   * Ends the share; the device leaves the receiver's list. Ending one already ended is no error.
   * A receiver linked to this bridge too loses its cached device list, which still holds the device.
   */
  async revoke(accountId: string, deviceid: string, uid: string): Promise<void> {
    await this.keeper.requireV1(accountId, 'sharing devices');
    const device = await this.directory.find(accountId, deviceid);
    await this.asOwner(accountId, device, (creds, target) => this.channel.cancelShare(creds, target, { uid, deviceName: device.name }));
    for (const receiver of await this.keeper.accountsLinkedTo(uid)) {
      if (receiver !== accountId) await this.directory.forget(receiver);
    }
  }

  private asOwner<T>(accountId: string, device: CachedDevice, task: (creds: Credentials, target: CommandTarget) => Promise<T>): Promise<T> {
    return this.keeper.withCredentials(accountId, (creds) => {
      if (device.apikey !== creds.apikey) {
        throw new NotOwner(`device "${device.deviceid}" was shared to this account; only its owner can share it`);
      }
      return task(creds, { deviceid: device.deviceid, apikey: device.apikey });
    });
  }
}

/** The refusal of a share with the account that owns the device: nothing is sent, or nothing was made. */
function sharedWithOwner(deviceid: string, options?: ErrorOptions): InvalidInput {
  return new InvalidInput('uid', `is the eWeLink login of the account that owns device "${deviceid}": a device cannot be shared with its owner; give the login of another account`, options);
}

/** Anything but the receiver's yes is an error the caller can act on. */
function accepted(outcome: ShareOutcome, uid: string, deviceid: string): void {
  switch (outcome) {
    case 'accepted':
      return;
    case 'refused':
      throw new ShareRefused(`${uid} declined to share device "${deviceid}"`);
    case 'no_such_account':
      throw new NoSuchAccount(`no eWeLink account "${uid}" in this account's region`, 'uid');
    case 'already_shared':
      throw new AlreadyShared(`device "${deviceid}" is already shared with ${uid}; change what they may do with PATCH /devices/${deviceid}/shares/${uid}`);
  }
}

function withOptional(share: Share, permit: number | undefined, note: string | undefined): Share {
  if (permit !== undefined) share.permit = permit;
  if (note !== undefined) share.note = note;
  return share;
}
