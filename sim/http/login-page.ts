import type { SimContext } from '../context';
import { isNonce } from '../fields';
import { mediaType } from './request-checks';
import { loginLinkSignature, signaturesEqual } from './signature';
import { errorPage, signInForm } from './login-page-html';

/*
 * The sim's own OAuth 2.0 login page, standing in for the vendor's (c2ccdn.coolkit.cc/oauth/
 * index.html): GET shows a sign-in form for a link whose query the app signed; POST signs a sim
 * account in and sends the person back to the registered redirect URL with a code, or with
 * error=access_denied when they deny. A link that is wrong in any way gets a plain error page
 * and no redirect, so nothing reaches a URL the app did not register.
 */

export const LOGIN_PAGE_PATH = '/oauth/index.html';

/** A response that is not JSON: an HTML page or a redirect. */
export interface PageAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface SignInRequest {
  redirectUrl: string;
  state: string;
}

const HTML = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };

function html(status: number, body: string): PageAnswer {
  return { status, headers: HTML, body };
}

function redirect(to: URL): PageAnswer {
  return { status: 302, headers: { location: to.toString(), 'cache-control': 'no-store' }, body: '' };
}

/** The query checked as the vendor's page checks it; a problem in words, or what the page needs. */
function readQuery(ctx: SimContext, query: URLSearchParams): { ok: true; request: SignInRequest } | { ok: false; problem: string } {
  const fail = (problem: string) => ({ ok: false as const, problem });
  const value = (name: string) => query.get(name) ?? '';
  for (const name of ['clientId', 'redirectUrl', 'grantType', 'state', 'nonce', 'seq', 'authorization']) {
    if (value(name) === '') return fail(`${name} is missing from the query`);
  }
  if (value('clientId') !== ctx.settings.appId) return fail('clientId is not a known app id');
  if (value('grantType') !== 'authorization_code') return fail('grantType must be authorization_code');
  if (!isNonce(value('nonce'))) return fail('nonce must be 8 letters or digits');
  if (!/^\d+$/.test(value('seq'))) return fail('seq must be a timestamp in milliseconds');
  const expected = loginLinkSignature(ctx.settings.appSecret, value('clientId'), value('seq'));
  if (!signaturesEqual(value('authorization'), expected)) return fail('authorization does not match: it must be the app\'s signature of clientId_seq');
  if (!ctx.settings.redirectUrls.includes(value('redirectUrl'))) return fail('redirectUrl is not registered for this app');
  return { ok: true, request: { redirectUrl: value('redirectUrl'), state: value('state') } };
}

function back(request: SignInRequest, fields: Record<string, string>): PageAnswer {
  const to = new URL(request.redirectUrl);
  for (const [name, value] of Object.entries(fields)) to.searchParams.set(name, value);
  to.searchParams.set('state', request.state);
  return redirect(to);
}

function submitted(ctx: SimContext, request: SignInRequest, action: string, contentType: string | undefined, raw: Buffer): PageAnswer {
  if (mediaType(contentType) !== 'application/x-www-form-urlencoded') return html(400, errorPage('the form must be posted as application/x-www-form-urlencoded'));
  const form = new URLSearchParams(raw.toString('utf8'));
  if (form.get('decision') === 'deny') {
    return back(request, { error: 'access_denied', error_description: 'the user denied the app access to their account' });
  }
  const login = form.get('login')?.trim() ?? '';
  const account = login === '' ? undefined : ctx.book.findByLogin(login);
  if (!account || account.password !== (form.get('password') ?? '')) {
    return html(200, signInForm(action, ctx.settings.appId, 'Wrong account or password.'));
  }
  return back(request, { code: ctx.oauthCodes.issue(account, request.redirectUrl), region: account.region });
}

/**
 * Answers `GET` and `POST /oauth/index.html`; anything else under `/oauth/` is a 404 page.
 *
 * @example
 * // GET /oauth/index.html?clientId=…&redirectUrl=…&grantType=authorization_code&state=…&nonce=…&seq=…&authorization=…
 */
export function answerLoginPage(ctx: SimContext, method: string, path: string, url: URL, contentType: string | undefined, raw: Buffer): PageAnswer {
  if (path !== LOGIN_PAGE_PATH) return html(404, errorPage(`there is no page ${path}`));
  if (method !== 'GET' && method !== 'POST') return html(405, errorPage(`${method} is not answered here`));
  const checked = readQuery(ctx, url.searchParams);
  if (!checked.ok) return html(400, errorPage(checked.problem));
  const action = `${url.pathname}${url.search}`;
  if (method === 'GET') return html(200, signInForm(action, ctx.settings.appId));
  return submitted(ctx, checked.request, action, contentType, raw);
}
