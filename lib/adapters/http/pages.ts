/*
 * The few answers meant for a person's browser rather than a program (the end of the eWeLink
 * sign-in): plain HTML, no scripts, no outside resources, every piece of text escaped.
 */

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
 * Text made safe to place in HTML, in an element or a quoted attribute.
 *
 * @example
 * escapeHtml('<b>"Tom" & Jerry</b>') // '&lt;b&gt;&quot;Tom&quot; &amp; Jerry&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A whole page from a title and paragraphs of plain text (each escaped here); `data` goes on its `<main>` for programs to read. */
function page(title: string, paragraphs: string[], id: string, data: Record<string, string> = {}): string {
  const attributes = Object.entries(data).map(([name, value]) => ` data-${name}="${escapeHtml(value)}"`).join('');
  return [
    '<!doctype html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>`,
    `<body><main id="${id}"${attributes}><h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((text, i) => `<p${i === 0 ? ' id="message"' : ''}>${escapeHtml(text)}</p>`),
    '</main></body>',
    '</html>',
  ].join('\n');
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
