import type { IncomingMessage } from 'node:http';
import type { Region } from '../../lib/ewelink/hosts';
import type { Account } from '../accounts/account-book';
import type { SimContext } from '../context';
import type { NoteDeviation } from '../deviations';
import { Refusal } from '../errors';
import { isObject, type Fields } from '../fields';
import { bodySignature, credential, querySignature, signaturesEqual } from './signature';

/*
 * The checks every cloud request goes through, whichever API version it speaks: reading the
 * body, the JSON of a POST/PUT, the app signature and the access token.
 */

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The media type of a Content-Type header, lower case and without its parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The JSON object of a POST/PUT. The real cloud also read JSON sent as text/plain (what a bare fetch sends). */
export function bodyFields(contentType: string | undefined, raw: Buffer, note: NoteDeviation): Fields {
  const type = mediaType(contentType);
  if (type === 'text/plain') note('json-content-type', `the JSON body came as Content-Type: ${contentType ?? ''}`);
  else if (!type.includes('application/json')) throw new Refusal(400, 'Content-Type must be application/json');
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new Refusal(400, 'the body is not valid JSON');
  }
  if (!isObject(parsed)) throw new Refusal(400, 'the body must be a JSON object');
  return parsed;
}

/** `Authorization: Sign …` over the body bytes (POST/PUT) or the sorted, unencoded query (GET/DELETE). */
export function checkSign(ctx: SimContext, header: string | undefined, method: string, raw: Buffer, url: URL): void {
  const given = credential(header, 'Sign');
  if (given === undefined) {
    throw new Refusal(401, credential(header, 'Bearer') ? 'this path takes Authorization: Sign <signature>, not a Bearer token' : 'Authorization: Sign <signature> is missing');
  }
  const expected =
    method === 'POST' || method === 'PUT' ? bodySignature(ctx.settings.appSecret, raw) : querySignature(ctx.settings.appSecret, [...url.searchParams]);
  if (!signaturesEqual(given, expected)) throw new Refusal(401, 'the signature does not match');
}

/** The account of `Authorization: Bearer <at>`, at its own region (else 301 naming it). */
export function checkBearer(ctx: SimContext, header: string | undefined, region: Region | null): { account: Account; at: string } {
  const at = credential(header, 'Bearer');
  if (at === undefined) {
    throw new Refusal(401, credential(header, 'Sign') ? 'this path takes Authorization: Bearer <at>, not a signature' : 'Authorization: Bearer <at> is missing');
  }
  const check = ctx.tokens.check(at);
  if (!check.ok) throw new Refusal(check.code, check.reason);
  if (check.account.region !== region) {
    throw new Refusal(301, `the account belongs to region ${check.account.region}`, { region: check.account.region });
  }
  return { account: check.account, at };
}
