/*
 * What no answer of the API may carry: the addresses and names of the parts behind it (hosts,
 * ports, URLs, the table) and the shapes internal failures take (socket errors, SDK exceptions,
 * ARNs, stack traces). A caller gets a code and a message; the rest is for the log.
 */

/** The parts a stack was wired to: their ports, URLs (without the scheme) and names. */
export interface Parts {
  ports: number[];
  urls: string[];
  words: string[];
}

interface Rule {
  what: string;
  pattern: RegExp;
  /** A number: looked for with ids set aside, so an id's digits are never taken for it. */
  digits?: boolean;
}

const GENERIC: Rule[] = [
  { what: 'an IP address', pattern: /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/ },
  { what: 'a host name', pattern: /\blocalhost\b|\.internal\b|\.local\b/i },
  { what: 'a socket error', pattern: /\bE(?:CONNREFUSED|CONNRESET|NOTFOUND|PIPE|TIMEDOUT|HOSTUNREACH)\b|socket hang up|other side closed|fetch failed/i },
  { what: 'DynamoDB', pattern: /dynamo/i },
  { what: 'an SDK exception', pattern: /\b\w+Exception\b|\$metadata|\$fault|@aws-sdk|aws-sdk/i },
  { what: "a bridge's internal error name", pattern: /\b(?:StoreError|EwelinkError|CloudUnreachable|SocketUnavailable|SocketRequestTimeout|CloudFailure|DeviceTimeout|TypeError|RangeError|SyntaxError)\b/ },
  { what: 'an ARN', pattern: /\barn:/i },
  { what: 'amazonaws', pattern: /amazonaws/i },
  { what: 'a stack trace', pattern: /\n\s+at\s|\(\S+:\d+:\d+\)|\.(?:ts|js|mjs|cjs):\d+|node:internal/ },
  { what: 'a WebSocket URL', pattern: /\bwss?:\/\//i },
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function literal(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}

/**
 * What `text` tells of the parts behind the API, in words (empty when nothing): the generic
 * shapes always, and the given parts' ports, URLs and names.
 *
 * @example
 * expect(leaksIn(answer.text, { ports: [sim.port], urls: [], words: [tableName] })).toEqual([]);
 */
export function leaksIn(text: string, parts: Parts = { ports: [], urls: [], words: [] }): string[] {
  const rules: Rule[] = [
    ...GENERIC,
    ...parts.ports.map((port) => ({ what: `port ${port}`, pattern: new RegExp(`(?<![\\d.])${port}(?!\\d)`), digits: true })),
    ...[...parts.urls, ...parts.words].filter(Boolean).map((known) => ({ what: `"${known}"`, pattern: literal(known) })),
  ];
  const withoutIds = text.replace(UUID, 'UUID');
  return rules.filter(({ pattern, digits }) => pattern.test(digits ? withoutIds : text)).map(({ what }) => what);
}
