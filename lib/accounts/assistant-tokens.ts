/*
 * The seam between the voice assistants and account linking: an assistant calls with the
 * bearer token its OAuth 2.0 link gave it, and the adapters need the bridge account behind it.
 * The bridge's authorization server implements it over the table (`AssistantLinks`, in
 * assistant-links.ts; `bridge.assistantLinks`).
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
