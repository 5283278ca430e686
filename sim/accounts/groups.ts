import { randomBytes } from 'node:crypto';
import type { Account } from './account-book';

export interface Group {
  readonly id: string;
  name: string;
  index: number;
  readonly createdAt: string;
  /** Device ids in the group; a device may be in several groups. */
  readonly devices: Set<string>;
}

/**
 * Each account's device groups (`/api/group`). Membership lives with the group, so the
 * device list shows an account its own groups only, shared devices included.
 */
export class GroupBook {
  private readonly byAccount = new Map<Account, Map<string, Group>>();

  create(account: Account, name: string, index: number): Group {
    const group: Group = { id: randomBytes(12).toString('hex'), name, index, createdAt: new Date().toISOString(), devices: new Set() };
    this.groupsOf(account).set(group.id, group);
    return group;
  }

  find(account: Account, id: string): Group | undefined {
    return this.byAccount.get(account)?.get(id);
  }

  /** Deleting a group leaves its devices ungrouped (by that group). */
  remove(account: Account, id: string): boolean {
    return this.byAccount.get(account)?.delete(id) ?? false;
  }

  /** Ordered by index, then by age. */
  list(account: Account): Group[] {
    return [...this.groupsOf(account).values()].sort((a, b) => a.index - b.index || a.createdAt.localeCompare(b.createdAt));
  }

  /** The ids of the account's groups that hold the device, in list order. */
  membership(account: Account, deviceid: string): string[] {
    return this.list(account)
      .filter((group) => group.devices.has(deviceid))
      .map((group) => group.id);
  }

  /** Takes the device out of the account's groups (all accounts' when none is named). */
  forgetDevice(deviceid: string, account?: Account): void {
    const books = account ? [this.byAccount.get(account)] : [...this.byAccount.values()];
    for (const groups of books) for (const group of groups?.values() ?? []) group.devices.delete(deviceid);
  }

  private groupsOf(account: Account): Map<string, Group> {
    let groups = this.byAccount.get(account);
    if (!groups) {
      groups = new Map();
      this.byAccount.set(account, groups);
    }
    return groups;
  }
}
