import type { AssistantTokens, TokenCheck } from '../../lib/accounts/assistant-tokens';

/**
 * A stand-in for the bridge's assistant tokens (`AssistantLinks`), for the many directive and
 * intent tests that need a token but not the OAuth exchange behind it, and for what the real
 * store cannot be made to do on cue: fail on a check (`failing`), or hold an expired token
 * without moving the bridge's clock. Fixed tokens mapped to accounts, the rest refused;
 * revoking a link refuses its tokens from then on, as the real store does; `revoked` lists
 * what was revoked. Tests of real tokens mint them through the OAuth server
 * (test/support/assistant-oauth.ts).
 */
export class FixedTokens implements AssistantTokens {
  readonly revoked: string[] = [];
  /** Set to make verify fail as a store that cannot be reached would. */
  failing: Error | undefined;

  constructor(private readonly tokens: Record<string, TokenCheck>) {}

  async verify(token: string): Promise<TokenCheck> {
    if (this.failing) throw this.failing;
    const check = this.tokens[token];
    if (!check || (check.status === 'valid' && this.revoked.includes(check.linkId))) return { status: 'invalid' };
    return check;
  }

  async revoke(linkId: string): Promise<void> {
    this.revoked.push(linkId);
  }
}

export const GOOD_TOKEN = 'good-token-of-the-test-account';
export const EXPIRED_TOKEN = 'expired-token';
export const LINK_ID = 'link-1';

/** The test account's token, an expired one; anything else is refused. */
export function testTokens(accountId: string): FixedTokens {
  return new FixedTokens({ [GOOD_TOKEN]: { status: 'valid', accountId, linkId: LINK_ID }, [EXPIRED_TOKEN]: { status: 'expired' } });
}
