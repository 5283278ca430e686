/*
 * The seam between the voice assistants and account linking: an assistant calls with the
 * bearer token its OAuth 2.0 link gave it, and the adapters need the bridge account behind it.
 * The authorization server (issue 9, part 1) implements this over the table; until then a
 * deployment refuses every token (`NO_ASSISTANT_TOKENS`).
 */

/** What a bearer token stands for: a live link to a bridge account, or nothing usable. */
export type TokenCheck = { status: 'valid'; accountId: string; linkId: string } | { status: 'expired' } | { status: 'invalid' };

/** Resolves assistants' bearer tokens to bridge accounts, and ends links. */
export interface AssistantTokens {
  /**
   * The account a token was issued for, or why it is refused. Never throws for a bad token:
   * only for a store that cannot be reached.
   *
   * @example
   * const check = await tokens.verify(bearer);
   * if (check.status === 'valid') await bridge.targets.list(check.accountId);
   */
  verify(token: string): Promise<TokenCheck>;
  /**
   * Ends a link: every token issued under it is refused from then on (Google's DISCONNECT).
   * Revoking a link that is gone already is no error.
   *
   * @example
   * await tokens.revoke(check.linkId);
   */
  revoke(linkId: string): Promise<void>;
}

/** Until the authorization server exists no assistant token is valid: the adapters answer as for a wrong one. */
export const NO_ASSISTANT_TOKENS: AssistantTokens = {
  verify: async () => ({ status: 'invalid' }),
  revoke: async () => undefined,
};
