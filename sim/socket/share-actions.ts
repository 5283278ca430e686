import type { Account } from '../accounts/account-book';
import type { SimContext } from '../context';
import { field, isObject, type Fields } from '../fields';
import { ALL_PERMITS } from '../accounts/sharing';

/*
 * The socket actions `share`, `updateShare` and `cancelShare`. The receiver answers an
 * invitation (a share, or a change of its permit) as its seed says, and only while online;
 * an invitation nobody answers gets 504 after shareTimeoutMs, and that receiver cannot be
 * asked by the same sharer for shareRetryAfterSec. A share is made only once accepted.
 */

export type ShareAction = 'share' | 'updateShare' | 'cancelShare';

export function isShareAction(action: string): action is ShareAction {
  return action === 'share' || action === 'updateShare' || action === 'cancelShare';
}

/** The spec's `result` values. */
const RESULT = { noSuchAccount: 1, accepted: 2, refused: 3, alreadyShared: 4 } as const;

interface Invitation {
  uid: string;
  deviceName: string;
  permit: number | undefined;
  shareTime: number | undefined;
  note: string | undefined;
}

function isSequence(value: unknown): boolean {
  return (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value));
}

/** The invitation in a well-formed message, or why the message is not one (→ 400). */
function readInvitation(action: ShareAction, message: Fields): Invitation | string {
  for (const name of ['apikey', 'deviceid', 'selfApikey']) {
    if (typeof field(message, name) !== 'string') return `${name} is required and must be a string`;
  }
  if (!isSequence(message['sequence'])) return 'sequence is required (a string or a number)';
  if (message['userAgent'] !== 'app') return 'userAgent must be "app"';
  if (message['ts'] !== undefined && typeof message['ts'] !== 'number') return 'ts must be a number';
  const params = message['params'];
  if (!isObject(params)) return 'params must be an object {uid, deviceName, …}';
  const uid = field(params, 'uid');
  const deviceName = field(params, 'deviceName');
  if (typeof uid !== 'string') return 'params.uid is required: the receiver’s e-mail address or phone number';
  if (typeof deviceName !== 'string') return 'params.deviceName is required and must be a string';
  if (action === 'cancelShare') return { uid, deviceName, permit: undefined, shareTime: undefined, note: undefined };

  const permit = params['permit'];
  if (permit === undefined ? action === 'updateShare' : !(typeof permit === 'number' && Number.isInteger(permit) && permit >= 0 && permit <= ALL_PERMITS)) {
    return `params.permit must be a whole number 0–15 (1 add, 2 edit, 4 delete, 8 enable timers)${action === 'updateShare' ? ', and is required' : ''}`;
  }
  const shareTime = params['shareTime'];
  if (shareTime !== undefined && !(typeof shareTime === 'number' && Number.isFinite(shareTime))) return 'params.shareTime must be a number (ms)';
  // The spec lists note as not nullable on share and updateShare: up to 10 characters.
  const note = params['note'];
  if (typeof note !== 'string' || note.length === 0 || [...note].length > 10) return 'params.note is required: a string of 1 to 10 characters';
  return { uid, deviceName, permit: permit as number | undefined, shareTime: shareTime as number | undefined, note: note as string | undefined };
}

/** What a reply echoes of the request. */
function echo(message: Fields): Fields {
  const kept: Fields = {};
  for (const name of ['apikey', 'deviceid', 'sequence']) if (message[name] !== undefined) kept[name] = message[name];
  return kept;
}

export interface ShareDeps {
  ctx: SimContext;
  /** Whether the account has a socket session open now. */
  isOnline(account: Account): boolean;
}

/** The reply to a share action from `account`. */
export async function answerShareAction(deps: ShareDeps, account: Account, action: ShareAction, message: Fields): Promise<Fields> {
  const { ctx } = deps;
  const refuse = (error: number, reason: string): Fields => ({ error, reason, ...echo(message) });
  const invitation = readInvitation(action, message);
  if (typeof invitation === 'string') return refuse(400, invitation);
  if (message['selfApikey'] !== account.apikey) return refuse(400, 'selfApikey must be your own apikey');

  const deviceid = message['deviceid'] as string;
  const device = ctx.book.device(deviceid);
  const access = device && ctx.shares.access(device, account);
  if (!device || !access || device.owner.apikey !== message['apikey']) return refuse(404, `no device ${deviceid} under this apikey`);
  if (access.role !== 'owner') return refuse(403, 'the device is shared to you: a shared device cannot be shared again');

  const receiver = ctx.book.findByLogin(invitation.uid);
  const answered = (result: number): Fields => ({ error: 0, result, ...echo(message) });

  if (action === 'cancelShare') {
    // Cancelling a share that is not there answers the same (the spec: no distinction).
    if (receiver) ctx.shares.remove(deviceid, receiver);
    return { error: 0, ...echo(message) };
  }

  // Sharing is within a region: an account elsewhere is as unknown as none.
  if (!receiver || receiver.region !== account.region) return answered(RESULT.noSuchAccount);
  if (receiver === account) return refuse(400, 'a device cannot be shared with its owner');
  const existing = ctx.shares.find(deviceid, receiver);
  if (action === 'share' && existing) return answered(RESULT.alreadyShared);
  if (action === 'updateShare' && !existing) return refuse(400, `the device is not shared with ${invitation.uid}: share it first`);

  const waitMs = ctx.shares.waitBeforeAsking(account, receiver);
  if (waitMs > 0) {
    return refuse(403, `${invitation.uid} did not answer an earlier invitation: they can be asked again in ${Math.ceil(waitMs / 1000)} s`);
  }

  const answer = deps.isOnline(receiver) ? receiver.shareAnswer : 'ignore';
  if (answer === 'ignore') {
    await ctx.timers.sleep(ctx.settings.shareTimeoutMs);
    ctx.shares.unanswered(account, receiver);
    return refuse(504, `${invitation.uid} neither accepted nor refused in time`);
  }
  if (answer === 'refuse') return answered(RESULT.refused);

  if (existing) {
    existing.permit = invitation.permit ?? existing.permit;
    existing.deviceName = invitation.deviceName;
    if (invitation.note !== undefined) existing.note = invitation.note;
  } else {
    ctx.shares.add(deviceid, {
      receiver,
      permit: invitation.permit ?? 0,
      note: invitation.note,
      shareTime: invitation.shareTime ?? Date.now(),
      deviceName: invitation.deviceName,
    });
  }
  return answered(RESULT.accepted);
}
