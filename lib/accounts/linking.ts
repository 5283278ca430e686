import type { EwelinkClient, LoginIdentity, VerificationPurpose } from '../ewelink/client';
import type { Region } from '../ewelink/hosts';
import type { TokenGrant } from '../ewelink/types';
import type { TokenRecord, TokenRepository } from './model';
import type { RefreshReport, TokenKeeper } from './token-keeper';

/** A link just made: the stored pair (never printed) and who it signed in as. */
export interface Linked {
  record: TokenRecord;
  /** The e-mail address or phone number the cloud names for the account, when it does. */
  login?: string;
}

/**
 * Linking bridge accounts to eWeLink accounts: the one place that signs in, registers,
 * resets, imports a token pair, and stores the result. The admin command, `npm start` and
 * the tests all link through here; the pair is kept by the token keeper, passwords never.
 *
 * @example
 * const { record } = await accounts.login('default', { email: 'me@example.com' }, password, 'eu');
 */
export class AccountLinking {
  constructor(
    private readonly client: EwelinkClient,
    private readonly keeper: TokenKeeper,
    private readonly tokens: TokenRepository,
  ) {}

  /** The region the cloud serves a country calling code from (or this app, without one). */
  region(countryCode?: string): Promise<Region> {
    return this.client.region(countryCode);
  }

  sendCode(to: LoginIdentity, purpose: VerificationPurpose, region: Region): Promise<void> {
    return this.client.sendVerificationCode(to, purpose, region);
  }

  async login(accountId: string, identity: LoginIdentity, password: string, region: Region): Promise<Linked> {
    return this.link(accountId, await this.client.login(identity, password, region));
  }

  async register(accountId: string, identity: LoginIdentity, password: string, code: string, region: Region): Promise<Linked> {
    return this.link(accountId, await this.client.register(identity, password, code, region));
  }

  async resetPassword(accountId: string, identity: LoginIdentity, password: string, code: string, region: Region): Promise<Linked> {
    return this.link(accountId, await this.client.resetPassword(identity, password, code, region));
  }

  /** Changes the linked account's password; fails before calling the cloud when the account is not linked. */
  async changePassword(accountId: string, current: string, next: string): Promise<TokenRecord> {
    const record = await this.linked(accountId);
    await this.keeper.withCredentials(accountId, (creds) => this.client.changePassword(creds, current, next));
    return record;
  }

  /**
   * Links an access/refresh pair made elsewhere. One device-list call checks the pair and
   * follows the account to its region when it was given the wrong one.
   */
  async importPair(accountId: string, pair: { at: string; rt: string; apikey: string; region: Region }): Promise<Linked & { devices: number }> {
    const creds = { at: pair.at, apikey: pair.apikey, region: pair.region };
    const devices = await this.client.devices(creds);
    const record = await this.keeper.adopt(accountId, { at: pair.at, rt: pair.rt, region: creds.region, apikey: pair.apikey });
    return { record, devices: devices.length };
  }

  /** The stored pair of the account, or undefined when it is not linked. */
  status(accountId: string): Promise<TokenRecord | undefined> {
    return this.tokens.get(accountId);
  }

  /** The stored pair of the account; `account_not_linked` when there is none. */
  linked(accountId: string): Promise<TokenRecord> {
    return this.keeper.load(accountId);
  }

  /** Every linked account's id. */
  async accountIds(): Promise<string[]> {
    return (await this.tokens.list()).map((r) => r.accountId);
  }

  /** Refreshes every pair that expires within `withinMs` (the schedule calls this). */
  refreshExpiring(withinMs?: number): Promise<RefreshReport> {
    return this.keeper.refreshExpiring(withinMs);
  }

  private async link(accountId: string, grant: TokenGrant): Promise<Linked> {
    const record = await this.keeper.adopt(accountId, { at: grant.at, rt: grant.rt, region: grant.region, apikey: grant.user.apikey });
    const login = grant.user.email ?? grant.user.phoneNumber;
    return login === undefined ? { record } : { record, login };
  }
}
