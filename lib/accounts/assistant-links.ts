import { InvalidInput, NotFound, Unauthorized } from '../errors';
import { hashSecret, newReadableCode, newSecret, normalCode } from '../secrets';
import type { ApiKeys } from './api-keys';
import type { AssistantTokens, TokenCheck } from './assistant-tokens';

/*
 * Account linking for the voice assistants: the bridge is an OAuth 2.0 authorization server
 * whose clients are the assistants (Alexa, Google), registered by the admin. A person approves
 * a client for their bridge account once; that approval is a *link*, and every code and token
 * the client gets belongs to it. Tokens are `<linkId>.<secret>`: the link id says where the
 * token's hash is kept, so checking one is one read, and ending a link ends all its tokens.
 */

/** How long an access token lasts: an hour. */
export const ACCESS_TOKEN_LIFETIME_MS = 60 * 60_000;
/** How long a refresh token lasts; each refresh hands out a new one, so a link in use never ends. */
export const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 60 * 60_000;
/** How long an authorization code may wait for its exchange. */
export const AUTHORIZATION_CODE_LIFETIME_MS = 5 * 60_000;
/** How long a link code (`npx ewelink-bridge link-code`) proves ownership of an account. */
export const LINK_CODE_LIFETIME_MS = 10 * 60_000;
/** How long the authorize page's form may stay open before it is refused. */
export const CONSENT_LIFETIME_MS = 15 * 60_000;

/** An assistant registered to link accounts: what it is called and where its person may be sent back to. */
export interface AssistantClient {
  id: string;
  name: string;
  /** Exactly as registered: an authorize request must name one of them letter for letter. */
  redirectUris: string[];
  /** Whether every authorize request of this client must carry a PKCE (S256) challenge. */
  requirePkce: boolean;
  /** Epoch ms. */
  createdAt: number;
}

/** Whom a code or token was issued to: one link, of one client, for one bridge account. */
export interface GrantOwner {
  linkId: string;
  accountId: string;
  clientId: string;
}

/** An authorization code as kept: what the token request must match. */
export interface AuthorizationGrant extends GrantOwner {
  redirectUri: string;
  scope?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** An access or refresh token as kept. */
export interface IssuedGrant extends GrantOwner {
  scope?: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** A pair handed out by a code exchange or a refresh. */
export interface TokenPair {
  access: { token: string; expiresAt: number };
  refresh: { token: string; expiresAt: number };
  scope?: string;
}

/** A link as listed. */
export interface AssistantLink extends GrantOwner {
  /** Epoch ms of the approval's code exchange. */
  createdAt: number;
  /** Epoch ms of the last refresh, if any. */
  refreshedAt?: number;
  /** Epoch ms when its refresh token runs out, unless refreshed before. */
  expiresAt: number;
}

/**
 * Where the clients, links, codes and tokens are kept, each secret only as its hash. Reads do
 * not judge expiry (the table's TTL deletes lazily): the caller compares `expiresAt` with its clock.
 */
export interface AssistantLinkRepository {
  /** Stores a new client with its secret's hash. */
  putClient(client: AssistantClient, secretHash: string): Promise<void>;
  client(clientId: string): Promise<(AssistantClient & { secretHash: string }) | undefined>;
  clients(): Promise<AssistantClient[]>;
  /** Deletes the client; false when there was none. Its links stay: the caller ends them. */
  removeClient(clientId: string): Promise<boolean>;
  /** The ids of the links made for a client. */
  linksOfClient(clientId: string): Promise<string[]>;
  putCode(code: string, grant: AuthorizationGrant): Promise<void>;
  code(code: string): Promise<AuthorizationGrant | undefined>;
  /** Deletes the code if it is there: true for the one caller that took it. */
  takeCode(code: string): Promise<boolean>;
  /** Makes the link with its first pair; false when the link exists already. */
  openLink(owner: GrantOwner, pair: TokenPair, now: number): Promise<boolean>;
  /** Stores a refreshed pair and notes the refresh; false when the link has ended meanwhile. */
  rotate(owner: GrantOwner, pair: TokenPair, now: number): Promise<boolean>;
  access(token: string): Promise<IssuedGrant | undefined>;
  refresh(token: string): Promise<IssuedGrant | undefined>;
  /** Deletes the refresh token if it is there: true for the one caller that took it. */
  takeRefresh(token: string): Promise<boolean>;
  links(accountId: string): Promise<AssistantLink[]>;
  /** Ends the link and deletes all its codes and tokens; false when nothing of it was left. */
  removeLink(linkId: string): Promise<boolean>;
}

/** A short-lived secret taken once (a link code, the authorize form's anti-CSRF token), kept as its hash. */
export interface OneTimeSecretRepository {
  put(kind: string, secret: string, fields: Record<string, string>, expiresAt: number): Promise<void>;
  /** The secret's fields without taking it; undefined when unknown or taken. */
  peek(kind: string, secret: string): Promise<{ fields: Record<string, string>; expiresAt: number } | undefined>;
  /** The secret's fields, deleted in the same write: only one caller gets them. */
  take(kind: string, secret: string): Promise<{ fields: Record<string, string>; expiresAt: number } | undefined>;
}

/** A client as the admin asks for it. */
export interface ClientInput {
  name: string;
  redirectUris: string[];
  requirePkce?: boolean;
}

/** A listed link, with its client's name ('(removed client)' when the client is gone). */
export type ListedLink = AssistantLink & { clientName: string };

const LINK_ID = /^[A-Za-z0-9_-]{16}$/;
const TOKEN = /^([A-Za-z0-9_-]{16})\.[A-Za-z0-9_-]{32,64}$/;
const CLIENT_NAME = /^[^\p{Cc}]{1,64}$/u;
const LINK_CODE_KIND = 'LINKCODE';
const CONSENT_KIND = 'CONSENT';
/** A link code has the shape newReadableCode gives; anything else is not looked up. */
const LINK_CODE = /^[0-9A-Z]{12}$/;

/**
 * A new secret for a link: `<linkId>.<secret>`, the form of every code and token.
 *
 * @example
 * const token = linkSecret(linkId); // 'Qk3xN0p4R2tYb8cD.…'
 */
export function linkSecret(linkId: string): string {
  return `${linkId}.${newSecret(32)}`;
}

/** The link a code or token belongs to, or undefined when it is not of that form. */
export function linkIdOf(secret: string): string | undefined {
  return typeof secret === 'string' ? TOKEN.exec(secret)?.[1] : undefined;
}

/** Whether `id` has the form of a link id (what `oauth-links` lists). */
export function isLinkId(id: string): boolean {
  return LINK_ID.test(id);
}

/** A fresh link id. */
export function newLinkId(): string {
  return newSecret(12);
}

/**
 * Whether a redirect URI may be registered: https, or http to this machine (for testing),
 * with no fragment and no user name or password in it.
 *
 * @example
 * redirectUriProblem('http://example.com/cb') // 'must be https (http only to 127.0.0.1 or localhost)'
 */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URL';
  }
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) return 'must be https (http only to 127.0.0.1 or localhost)';
  if (url.hash || uri.includes('#')) return 'must not have a fragment (#…)';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (uri.length > 512) return 'must be at most 512 characters';
  return undefined;
}

/**
 * The assistants' account linking: registered clients, links and their tokens, link codes, and
 * the authorize form's one-time tokens. It is also the `AssistantTokens` the assistant adapters
 * check bearer tokens with. The OAuth 2.0 protocol itself (grants, PKCE, token answers) is the
 * library's, in lib/adapters/oauth; it reaches the kept grants through `grants`.
 *
 * @example
 * const { client, secret } = await links.addClient({ name: 'alexa', redirectUris: ['https://layla.amazon.com/api/skill/link/M2'] });
 * const check = await links.verify(bearer); // { status: 'valid', accountId, linkId } …
 */
export class AssistantLinks implements AssistantTokens {
  constructor(
    /** The kept clients, codes, tokens and links, for the OAuth library's model. */
    readonly grants: AssistantLinkRepository,
    private readonly once: OneTimeSecretRepository,
    private readonly apiKeys: ApiKeys,
    /** The clock every expiry is judged by. */
    readonly now: () => number = Date.now,
  ) {}

  /** Registers a client; its secret is in the answer only, and only its hash is kept. */
  async addClient(input: ClientInput): Promise<{ client: AssistantClient; secret: string }> {
    if (!CLIENT_NAME.test(input.name)) throw new InvalidInput('name', 'must be 1 to 64 characters, no control characters');
    if (input.redirectUris.length === 0) throw new InvalidInput('redirectUris', 'needs at least one redirect URI');
    if (input.redirectUris.length > 10) throw new InvalidInput('redirectUris', 'takes at most 10 redirect URIs');
    input.redirectUris.forEach((uri, i) => {
      const problem = redirectUriProblem(uri);
      if (problem) throw new InvalidInput(`redirectUris.${i}`, `${uri} ${problem}`);
    });
    const client: AssistantClient = { id: newSecret(12), name: input.name, redirectUris: [...new Set(input.redirectUris)], requirePkce: input.requirePkce === true, createdAt: this.now() };
    const secret = newSecret(32);
    await this.grants.putClient(client, hashSecret(secret));
    return { client, secret };
  }

  /** Every registered client, oldest first. */
  async clients(): Promise<AssistantClient[]> {
    return (await this.grants.clients()).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Removes a client and ends every link made for it; `not_found` when there is no such client. */
  async removeClient(clientId: string): Promise<{ linksEnded: number }> {
    // The client goes first: no new code or token can be had for it while its links are ended.
    if (!(await this.grants.removeClient(clientId))) throw new NotFound(`there is no OAuth client "${clientId}"`);
    let linksEnded = 0;
    for (const linkId of await this.grants.linksOfClient(clientId)) if (await this.grants.removeLink(linkId)) linksEnded += 1;
    return { linksEnded };
  }

  /** A one-time code that proves, on the authorize page, that its holder may link `accountId` (10 minutes). */
  async newLinkCode(accountId: string): Promise<{ code: string; expiresAt: number }> {
    const code = newReadableCode();
    const expiresAt = this.now() + LINK_CODE_LIFETIME_MS;
    await this.once.put(LINK_CODE_KIND, normalCode(code), { accountId }, expiresAt);
    return { code, expiresAt };
  }

  /**
   * The account a person proved they hold, with one of its API keys or a link code (spent
   * here); `unauthorized` for anything else, and nothing is changed then.
   *
   * @example
   * const accountId = await links.accountProvedBy(form.proof);
   */
  async accountProvedBy(proof: string): Promise<string> {
    const refused = () => new Unauthorized('that is neither an API key of this bridge nor a link code it handed out in the last 10 minutes (each is good once)');
    const given = proof.trim();
    if (given.startsWith('ebk_')) {
      try {
        return (await this.apiKeys.authenticate(given)).accountId;
      } catch (err) {
        if (err instanceof Unauthorized) throw refused();
        throw err;
      }
    }
    const code = normalCode(given);
    if (!LINK_CODE.test(code)) throw refused();
    const taken = await this.once.take(LINK_CODE_KIND, code);
    if (!taken || taken.expiresAt <= this.now() || !taken.fields.accountId) throw refused();
    return taken.fields.accountId;
  }

  /** A one-time token for the authorize form, bound to `binding` (what the form was shown for). */
  async openConsent(binding: string): Promise<string> {
    const token = newSecret(24);
    await this.once.put(CONSENT_KIND, token, { binding }, this.now() + CONSENT_LIFETIME_MS);
    return token;
  }

  /** Whether the form's token is open and was given for `binding`; nothing is spent. */
  async consentOpen(token: string, binding: string): Promise<boolean> {
    return Boolean(token) && this.consentFor(await this.once.peek(CONSENT_KIND, token), binding);
  }

  /** Spends the form's token: true for the one caller that gets it. */
  async spendConsent(token: string, binding: string): Promise<boolean> {
    return this.consentFor(await this.once.take(CONSENT_KIND, token), binding);
  }

  /** The account's links, newest first, each with its client's name. */
  async links(accountId: string): Promise<ListedLink[]> {
    const [links, clients] = await Promise.all([this.grants.links(accountId), this.grants.clients()]);
    const names = new Map(clients.map((c) => [c.id, c.name]));
    return links
      .filter((link) => link.expiresAt > this.now())
      .map((link) => ({ ...link, clientName: names.get(link.clientId) ?? '(removed client)' }))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  async verify(token: string): Promise<TokenCheck> {
    if (linkIdOf(token) === undefined) return { status: 'invalid' };
    const issued = await this.grants.access(token);
    if (!issued) return { status: 'invalid' };
    if (issued.expiresAt <= this.now()) return { status: 'expired' };
    return { status: 'valid', accountId: issued.accountId, linkId: issued.linkId };
  }

  async revoke(linkId: string): Promise<void> {
    await this.endLink(linkId);
  }

  /** Ends a link; false when there was nothing of it left (unknown, or ended already). */
  async endLink(linkId: string): Promise<boolean> {
    return isLinkId(linkId) && this.grants.removeLink(linkId);
  }

  /** Whether a kept form token is still open and was given for `binding`. */
  private consentFor(kept: { fields: Record<string, string>; expiresAt: number } | undefined, binding: string): boolean {
    return kept !== undefined && kept.expiresAt > this.now() && kept.fields.binding === binding;
  }
}
