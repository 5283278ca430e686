/**
 * Stands in for `mime-types` in the Lambda bundles (infra/bundling.ts). Its one user there is
 * `type-is`, which the OAuth library calls only with full media types
 * (`application/x-www-form-urlencoded`); `type-is` asks `mime-types` about bare extensions
 * alone, so this answer is never reached in practice. The real package carries the whole
 * `mime-db` (about 150 KiB of JSON) that every cold start of the HTTP function would parse.
 */
export function lookup(): false {
  return false;
}
