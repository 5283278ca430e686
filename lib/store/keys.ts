import { PARTITION_KEY, SORT_KEY } from './schema';
import { invalidArgument } from './errors';

/*
 * Where each kind of item lives in the one table:
 *
 * | item                                   | pk                    | sk              |
 * |----------------------------------------|-----------------------|-----------------|
 * | token pair of an account               | `ACCOUNT`             | `<accountId>`   |
 * | device list cache of an account        | `ACCOUNT#<accountId>` | `DEVICES`       |
 * | API key, found by the key's SHA-256    | `APIKEY#<sha256>`     | `APIKEY`        |
 * | API key, listed under its account      | `ACCOUNT#<accountId>` | `APIKEY#<id>`   |
 * | webhook, found by its id               | `HOOK#<hookId>`       | `HOOK`          |
 * | webhook, listed under its account      | `ACCOUNT#<accountId>` | `HOOK#<hookId>` |
 * | timer model of a device (and its push) | `ACCOUNT#<accountId>` | `TIMERS#<deviceid>` |
 * | scene                                  | `ACCOUNT#<accountId>` | `SCENE#<sceneId>` |
 * | a repeatable request and its answer (an assistant's message, an HTTP request's `Idempotency-Key`) | `ACCOUNT#<accountId>` | `REPLY#<caller>#<messageId>` |
 * | an assistant's OAuth client             | `OAUTHCLIENT`         | `<clientId>`    |
 * | a link (one approval of one client for one account), listed under its account | `ACCOUNT#<accountId>` | `OAUTHLINK#<linkId>` |
 * | the same link, listed under its client  | `OAUTHCLIENT#<clientId>` | `LINK#<linkId>` |
 * | a link's authorization codes and tokens, by their SHA-256 | `LINK#<linkId>` | `CODE#…`, `ACCESS#…`, `REFRESH#…` |
 * | a one-time secret (eWeLink sign-in state, link code, consent form), by its SHA-256 | `ONCE#<kind>#<sha256>` | `ONCE` |
 *
 * All token pairs share one partition so a single Query lists every account for the
 * refresh job; a bridge serves a handful of accounts, far below a partition's limits.
 */

export type ItemKey = { [PARTITION_KEY]: string; [SORT_KEY]: string };

export const TOKENS_PARTITION = 'ACCOUNT';
export const API_KEY_PREFIX = 'APIKEY#';
export const HOOK_PREFIX = 'HOOK#';

export function tokensKey(accountId: string): ItemKey {
  return { pk: TOKENS_PARTITION, sk: required('accountId', accountId) };
}

export function accountPartition(accountId: string): string {
  return `ACCOUNT#${required('accountId', accountId)}`;
}

export function deviceCacheKey(accountId: string): ItemKey {
  return { pk: accountPartition(accountId), sk: 'DEVICES' };
}

export function apiKeyKey(keyHash: string): ItemKey {
  return { pk: `${API_KEY_PREFIX}${keyHash}`, sk: 'APIKEY' };
}

export function apiKeyListingKey(accountId: string, id: string): ItemKey {
  return { pk: accountPartition(accountId), sk: `${API_KEY_PREFIX}${required('id', id)}` };
}

export function hookKey(hookId: string): ItemKey {
  return { pk: `${HOOK_PREFIX}${required('hookId', hookId)}`, sk: 'HOOK' };
}

export function hookListingKey(accountId: string, hookId: string): ItemKey {
  return { pk: accountPartition(accountId), sk: `${HOOK_PREFIX}${required('hookId', hookId)}` };
}

export const TIMERS_PREFIX = 'TIMERS#';
export const SCENE_PREFIX = 'SCENE#';

export function timersKey(accountId: string, deviceid: string): ItemKey {
  return { pk: accountPartition(accountId), sk: `${TIMERS_PREFIX}${required('deviceid', deviceid)}` };
}

export function sceneKey(accountId: string, sceneId: string): ItemKey {
  return { pk: accountPartition(accountId), sk: `${SCENE_PREFIX}${required('sceneId', sceneId)}` };
}

export function replyKey(key: { caller: string; accountId: string; messageId: string }): ItemKey {
  return { pk: accountPartition(key.accountId), sk: `REPLY#${key.caller}#${required('messageId', key.messageId)}` };
}

export const CLIENTS_PARTITION = 'OAUTHCLIENT';
export const ACCOUNT_LINK_PREFIX = 'OAUTHLINK#';
export const CLIENT_LINK_PREFIX = 'LINK#';

export function assistantClientKey(clientId: string): ItemKey {
  return { pk: CLIENTS_PARTITION, sk: required('clientId', clientId) };
}

export function clientPartition(clientId: string): string {
  return `${CLIENTS_PARTITION}#${required('clientId', clientId)}`;
}

export function clientLinkKey(clientId: string, linkId: string): ItemKey {
  return { pk: clientPartition(clientId), sk: `${CLIENT_LINK_PREFIX}${required('linkId', linkId)}` };
}

export function accountLinkKey(accountId: string, linkId: string): ItemKey {
  return { pk: accountPartition(accountId), sk: `${ACCOUNT_LINK_PREFIX}${required('linkId', linkId)}` };
}

export function linkPartition(linkId: string): string {
  return `LINK#${required('linkId', linkId)}`;
}

/** A code or token of a link: `kind` is CODE, ACCESS or REFRESH; only the secret's hash is in the key. */
export function grantKey(linkId: string, kind: 'CODE' | 'ACCESS' | 'REFRESH', secretHash: string): ItemKey {
  return { pk: linkPartition(linkId), sk: `${kind}#${required('secretHash', secretHash)}` };
}

export function oneTimeKey(kind: string, secretHash: string): ItemKey {
  return { pk: `ONCE#${required('kind', kind)}#${required('secretHash', secretHash)}`, sk: 'ONCE' };
}

/** The item as the domain sees it: without the table's key attributes. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const { [PARTITION_KEY]: _pk, [SORT_KEY]: _sk, ...rest } = item;
  return rest as T;
}

// DynamoDB refuses empty key attributes with a ValidationException; say which value was empty.
function required(field: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidArgument('store', `${field} must be a non-empty string`);
  return value;
}
