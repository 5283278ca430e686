import OAuth2Server from '@node-oauth/oauth2-server';
import {
  ACCESS_TOKEN_LIFETIME_MS,
  AUTHORIZATION_CODE_LIFETIME_MS,
  linkSecret,
  REFRESH_TOKEN_LIFETIME_MS,
  type AssistantClient,
  type AssistantLinks,
  type GrantOwner,
} from '../../accounts/assistant-links';
import { secretMatches } from '../../secrets';

/** The person behind a grant, as the library carries it from the approval to each token: the link and its account. */
export interface LinkUser {
  accountId: string;
  linkId: string;
}

/** What the library's client carries besides its id, grants and redirect URIs. */
type GrantClient = OAuth2Server.Client & { requirePkce: boolean };

/** The grants a client may use: the authorization code (with PKCE where asked) and refreshing. */
const GRANTS = ['authorization_code', 'refresh_token'];

const words = (scope: string[] | undefined) => (scope && scope.length > 0 ? scope.join(' ') : undefined);
const scopeOf = (text: string | undefined) => (text ? text.split(' ') : undefined);

/**
 * The library's model over the bridge's kept grants: a thin translation, no protocol of its
 * own. Codes and tokens are made as `<linkId>.<secret>` (the link travels in the library's
 * `user`), kept as hashes, and judged by the bridge's clock: the library compares the expiry it
 * is handed with the machine's time, so each expiry is handed over as the time left on the
 * bridge's clock, counted from the machine's.
 *
 * `authenticates`: whether `getClient` demands the client's secret (the token endpoint) or
 * only looks the client up (the authorize page, where no secret is sent). `onClient` hears the
 * client found, so a caller that needs more of it than the library does reads it only once.
 */
export function grantModel(
  links: AssistantLinks,
  options: { authenticates: boolean; dryRun?: boolean; onClient?: (client: AssistantClient) => void },
): OAuth2Server.AuthorizationCodeModel & OAuth2Server.RefreshTokenModel {
  const { grants, now } = links;
  const asMachineTime = (ms: number) => new Date(Date.now() + (ms - now()));
  const ownerOf = (client: OAuth2Server.Client, user: OAuth2Server.User): GrantOwner => ({ linkId: String(user.linkId), accountId: String(user.accountId), clientId: client.id });

  return {
    async getClient(clientId: string, clientSecret: string | null | undefined) {
      const client = await grants.client(clientId);
      if (!client) return null;
      if (options.authenticates && !(typeof clientSecret === 'string' && secretMatches(clientSecret, client.secretHash))) return null;
      options.onClient?.(client);
      const found: GrantClient = { id: client.id, grants: GRANTS, redirectUris: client.redirectUris, requirePkce: client.requirePkce };
      return found;
    },

    async generateAuthorizationCode(_client, user) {
      return linkSecret(String(user.linkId));
    },

    async saveAuthorizationCode(code, client, user) {
      if ((client as GrantClient).requirePkce && !code.codeChallenge) {
        throw new OAuth2Server.InvalidRequestError('Invalid request: this client must send a PKCE `code_challenge` (S256)');
      }
      // The page's check ends here, having passed every check of the library; nothing is stored.
      if (options.dryRun) throw new CheckedOnly();
      await grants.putCode(code.authorizationCode, {
        ...ownerOf(client, user),
        redirectUri: code.redirectUri,
        scope: words(code.scope),
        codeChallenge: code.codeChallenge,
        codeChallengeMethod: code.codeChallengeMethod,
        expiresAt: now() + AUTHORIZATION_CODE_LIFETIME_MS,
      });
      return { ...code, client, user };
    },

    async getAuthorizationCode(authorizationCode) {
      const grant = await grants.code(authorizationCode);
      if (!grant) return null;
      return {
        authorizationCode,
        expiresAt: asMachineTime(grant.expiresAt),
        redirectUri: grant.redirectUri,
        scope: scopeOf(grant.scope),
        client: { id: grant.clientId, grants: GRANTS },
        user: { accountId: grant.accountId, linkId: grant.linkId } satisfies LinkUser,
        codeChallenge: grant.codeChallenge,
        codeChallengeMethod: grant.codeChallengeMethod,
      };
    },

    revokeAuthorizationCode(code) {
      return grants.takeCode(code.authorizationCode);
    },

    async generateAccessToken(_client, user) {
      return linkSecret(String(user.linkId));
    },

    async generateRefreshToken(_client, user) {
      return linkSecret(String(user.linkId));
    },

    async saveToken(token, client, user) {
      const at = now();
      const pair = {
        access: { token: token.accessToken, expiresAt: at + ACCESS_TOKEN_LIFETIME_MS },
        refresh: { token: String(token.refreshToken), expiresAt: at + REFRESH_TOKEN_LIFETIME_MS },
        scope: words(token.scope),
      };
      const owner = ownerOf(client, user);
      // A code's exchange opens the link; a refresh keeps it, unless it has ended meanwhile.
      const saved = token.authorizationCode ? await grants.openLink(owner, pair, at) : await grants.rotate(owner, pair, at);
      if (!saved) throw new OAuth2Server.InvalidGrantError('Invalid grant: the link this grant belongs to has ended');
      return { ...token, client, user };
    },

    async getRefreshToken(refreshToken) {
      const issued = await grants.refresh(refreshToken);
      if (!issued) return null;
      return {
        refreshToken,
        refreshTokenExpiresAt: asMachineTime(issued.expiresAt),
        scope: scopeOf(issued.scope),
        client: { id: issued.clientId, grants: GRANTS },
        user: { accountId: issued.accountId, linkId: issued.linkId } satisfies LinkUser,
      };
    },

    revokeToken(token) {
      return grants.takeRefresh(token.refreshToken);
    },

    // Bearer tokens are checked by `AssistantLinks.verify` (one read); the library's own check is not used.
    async getAccessToken() {
      return null;
    },
  };
}

/** Thrown by a dry run's model where it would store the code: every check of the request passed. */
export class CheckedOnly extends Error {
  override name = 'CheckedOnly';
}

/**
 * The library's server over the model, with the bridge's lifetimes: codes 5 minutes, access
 * tokens an hour, refresh tokens 90 days (a new one with each refresh, the used one refused).
 * PKCE's `plain` method stays off (the library's default): only S256 is taken.
 */
export function oauthServer(model: OAuth2Server.AuthorizationCodeModel & OAuth2Server.RefreshTokenModel): OAuth2Server {
  return new OAuth2Server({
    model,
    authorizationCodeLifetime: AUTHORIZATION_CODE_LIFETIME_MS / 1000,
    accessTokenLifetime: ACCESS_TOKEN_LIFETIME_MS / 1000,
    refreshTokenLifetime: REFRESH_TOKEN_LIFETIME_MS / 1000,
    alwaysIssueNewRefreshToken: true,
    allowEmptyState: false,
  });
}
