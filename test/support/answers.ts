/*
 * Reading the API's answers in tests: JSON as it is; a page (the OAuth callback's) as the
 * error it reports, from the data the page carries for programs, so that every check of
 * `body.error` works on pages too.
 */

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescape = (text: string) => text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] as string);

/** The body of an answer: parsed JSON, a page's `{error: {code, message, requestId}}`, or undefined. */
export function answerBody(text: string, contentType: string | string[] | undefined): any {
  if (text === '') return undefined;
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  if (!type?.startsWith('text/html')) return JSON.parse(text);
  const code = /data-code="([^"]*)"/.exec(text)?.[1];
  const requestId = /data-request-id="([^"]*)"/.exec(text)?.[1];
  const message = /<p id="message">([^<]*)<\/p>/.exec(text)?.[1];
  return code === undefined ? undefined : { error: { code: unescape(code), message: unescape(message ?? ''), requestId: unescape(requestId ?? '') } };
}
