/*
 * The few answers meant for a person's browser rather than a program (the end of the eWeLink
 * sign-in, an assistant's authorize page): plain HTML, no scripts, no outside resources, every
 * piece of text escaped.
 */

/** A page, and the origins its form may be sent to and redirected on to (none: it has no form). */
export interface Page {
  html: string;
  formTargets?: string[];
}

/** Headers of every page and redirect: never cached, never telling the next site where the person came from (the address holds a code). */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'",
};

/** The headers of an HTML page. */
export const HTML_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'text/html; charset=utf-8', ...PAGE_HEADERS };

/**
 * The headers of a page: with a form, its policy lets the form go to this bridge and lets the
 * answer redirect on to `formTargets` (browsers hold a form's redirects to `form-action` too).
 *
 * @example
 * headersOf({ html, formTargets: ['https://layla.amazon.com'] })
 */
export function headersOf(page: Page | string): Record<string, string> {
  const targets = typeof page === 'string' ? undefined : page.formTargets;
  if (!targets) return { ...HTML_HEADERS };
  const policy = PAGE_HEADERS['content-security-policy']!.replace("form-action 'none'", `form-action 'self' ${targets.join(' ')}`.trim());
  return { ...HTML_HEADERS, 'content-security-policy': policy };
}

/** The HTML of a page, whichever way a handler gave it. */
export function htmlOf(page: Page | string): string {
  return typeof page === 'string' ? page : page.html;
}

/**
 * Text made safe to place in HTML, in an element or a quoted attribute.
 *
 * @example
 * escapeHtml('<b>"Tom" & Jerry</b>') // '&lt;b&gt;&quot;Tom&quot; &amp; Jerry&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A whole page from a title and paragraphs of plain text (each escaped here); `data` goes on its `<main>` for programs to read; `rest` is HTML already made safe. */
function page(title: string, paragraphs: string[], id: string, data: Record<string, string> = {}, rest: string[] = []): string {
  const attributes = Object.entries(data).map(([name, value]) => ` data-${name}="${escapeHtml(value)}"`).join('');
  return [
    '<!doctype html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>`,
    `<body><main id="${id}"${attributes}><h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((text, i) => `<p${i === 0 ? ' id="message"' : ''}>${escapeHtml(text)}</p>`),
    ...rest,
    '</main></body>',
    '</html>',
  ].join('\n');
}

/** What the authorize page shows and sends back. */
export interface ConsentForm {
  /** The client's name, as registered. */
  clientName: string;
  /** Where the person goes afterwards (the redirect URI's origin is shown, so they see who gets the code). */
  redirectUri: string;
  /** Sent back as hidden fields: the authorize request's own parameters and the form's one-time token. */
  hidden: Record<string, string>;
  /** Why the last try was refused, with the request id the log keeps it under. */
  refused?: { code: string; message: string; requestId: string };
}

/**
 * The authorize page: which client asks to link, a field for an API key or a link code, and
 * Approve / Deny. Its form posts back to the same path; the policy header of `headersOf` lets it
 * go on to the client's redirect URI.
 *
 * @example
 * return consentPage({ clientName: 'alexa', redirectUri, hidden: { ...params, consent } });
 */
export function consentPage(form: ConsentForm): Page {
  const origin = new URL(form.redirectUri).origin;
  const hidden = Object.entries(form.hidden).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
  const fields = [
    '<form method="post" action="authorize">',
    ...hidden,
    '<p><label for="proof">API key of your bridge account, or a link code (npx ewelink-bridge link-code)</label><br>',
    '<input id="proof" name="proof" type="password" autocomplete="off" size="40"></p>',
    '<p><button type="submit" name="decision" value="approve">Approve</button> <button type="submit" name="decision" value="deny">Deny</button></p>',
    '</form>',
  ];
  const asks = `"${form.clientName}" asks to use your bridge account: to list and control its devices and scenes. It is sent back to ${origin}.`;
  const refused = form.refused;
  const html = refused
    ? page('Link your bridge account', [refused.message, asks, `(${refused.code}; the bridge's log keeps the details under request ${refused.requestId})`], 'consent', { code: refused.code, 'request-id': refused.requestId }, fields)
    : page('Link your bridge account', [asks], 'consent', { client: form.clientName }, fields);
  // Browsers hold every redirect after a form's submission to `form-action` too, and an
  // assistant's redirect URI may send the person on (to its app's own pages): any https target.
  return { html, formTargets: [...new Set([origin, 'https:'])] };
}

/**
 * The page of a finished link.
 *
 * @example
 * return linkedPage({ accountId: 'default', region: 'eu', devices: 3, socket: true });
 */
export function linkedPage(link: { accountId: string; region: string; devices: number; socket: boolean }): string {
  return page(
    'eWeLink account linked',
    [
      `The bridge account "${link.accountId}" is linked to your eWeLink account (region ${link.region}, ${link.devices} device${link.devices === 1 ? '' : 's'}).`,
      link.socket
        ? 'Commands go over the eWeLink WebSocket, with HTTP as the fallback.'
        : 'The account owns no device, so the bridge cannot open the eWeLink WebSocket for it: commands go over HTTP only. Link again after adding a device of your own to use the socket.',
      'You can close this page.',
    ],
    'linked',
  );
}

/**
 * The page of a failure: what went wrong, in the error's own words, and the request id the
 * bridge's log keeps the details under (also as `data-code` and `data-request-id` on `<main>`,
 * with the message in `#message`, for a program that reads the page).
 *
 * @example
 * return errorPage(400, { code: 'link_refused', message: 'this sign-in is unknown …', requestId });
 */
export function errorPage(status: number, error: { code: string; message: string; requestId: string }): string {
  return page(
    status >= 500 ? 'The bridge could not finish this' : 'Nothing was linked',
    [error.message, `(${error.code}, HTTP ${status}; the bridge's log keeps the details under request ${error.requestId})`],
    'failed',
    { code: error.code, 'request-id': error.requestId },
  );
}
