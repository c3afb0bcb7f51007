// Decides whether the Worker may fetch a URL: public http(s) hosts on web ports only, so feeds cannot reach internal services.

export type UrlCheckCode = 'invalid_url' | 'unsupported_scheme' | 'credentials' | 'forbidden_host' | 'forbidden_port'

export type UrlCheck = { ok: true; url: URL } | { ok: false; code: UrlCheckCode; message: string }

export interface UrlCheckOptions {
  /** Allow 127.0.0.0/8, ::1 and localhost (any port): local development and tests only. */
  allowLoopback: boolean
}

/** Ports a feed may live on besides the scheme default. */
const ALLOWED_PORTS: ReadonlySet<string> = new Set(['80', '443', '8080', '8443'])

/** Raw input is echoed in messages only up to this length, so a hostile URL cannot bloat stored errors. */
const MAX_ECHOED_CHARS = 200

/** The one setting that changes the loopback rule, named where the refusal is read. */
const LOOPBACK_HINT = '(set ALLOW_LOOPBACK_FEEDS=true for local development)'

/** Name suffixes that only resolve inside a private network (RFC 6761, RFC 6762, RFC 8375, ICANN .internal). */
const PRIVATE_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa'] as const

/** Why an IP literal is refused; null when it is a public unicast address. */
type AddressClass =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared (CGNAT)'
  | 'multicast'
  | 'unspecified'
  | 'reserved'
  | 'documentation'
  | 'unique local'
  | 'IPv4-mapped'
  | 'IPv4-translated'

/**
 * Checks that a URL is safe to fetch from the Worker: http(s), no credentials, a web port, and a host that is
 * neither an internal name nor a non-public IP literal. With `allowLoopback`, loopback hosts pass (nothing else).
 */
export function checkOutboundUrl(raw: string, opts: UrlCheckOptions): UrlCheck {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    return fail('invalid_url', `${quote(raw)} is not a valid absolute URL`)
  }

  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail('unsupported_scheme', `scheme ${quote(url.protocol.slice(0, -1))} is not allowed, only http and https`)
  }
  if (url.username !== '' || url.password !== '') {
    // Never echo the credentials themselves.
    return fail('credentials', `URLs with a username or password are not allowed (host ${url.hostname})`)
  }

  const host = classifyHost(url.hostname)
  const loopbackAllowed = host.kind === 'loopback' && opts.allowLoopback
  if (host.kind === 'loopback' && !opts.allowLoopback) {
    return fail('forbidden_host', `loopback address ${host.display} is not allowed ${LOOPBACK_HINT}`)
  }
  if (host.kind === 'refused') return fail('forbidden_host', host.reason)

  if (url.port !== '' && !ALLOWED_PORTS.has(url.port) && !loopbackAllowed) {
    return fail('forbidden_port', `port ${url.port} is not allowed for ${url.hostname}, only 80, 443, 8080 and 8443`)
  }
  return { ok: true, url }
}

type HostClass = { kind: 'public' } | { kind: 'loopback'; display: string } | { kind: 'refused'; reason: string }

/** Classifies a WHATWG-parsed hostname (lower-case; IPv4 already normalised to dotted decimal; IPv6 in brackets). */
function classifyHost(hostname: string): HostClass {
  if (hostname.startsWith('[') && hostname.endsWith(']')) {
    const literal = hostname.slice(1, -1)
    const groups = parseIpv6(literal)
    if (groups === null) return { kind: 'refused', reason: `IPv6 address ${literal} could not be parsed` }
    const cls = classifyIpv6(groups)
    const [, , , , , , hi = 0, lo = 0] = groups
    const embedded = `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`
    return fromAddressClass(cls, cls === 'IPv4-mapped' ? `${literal} (${embedded})` : literal)
  }

  const ipv4 = parseIpv4(hostname)
  if (ipv4 !== null) return fromAddressClass(classifyIpv4(ipv4), hostname)

  // The WHATWG parser turns every numeric spelling (2130706433, 0x7f.1, 0177.0.0.1) into dotted decimal or rejects it;
  // anything numeric-looking that is still here came from a parser that did not, so refuse rather than guess.
  if (/^[0-9.]+$/.test(hostname) || /(^|\.)0x[0-9a-f]*\.?$/.test(hostname)) {
    return { kind: 'refused', reason: `numeric host ${hostname} is not a dotted-decimal IPv4 address` }
  }

  const name = hostname.replace(/\.+$/, '')
  if (name === 'localhost') return { kind: 'loopback', display: hostname }
  const suffix = PRIVATE_SUFFIXES.find((s) => name.endsWith(s))
  if (suffix !== undefined) {
    return { kind: 'refused', reason: `host ${hostname} is an internal name (*${suffix}) and is not allowed` }
  }
  if (!name.includes('.')) {
    return { kind: 'refused', reason: `host ${quote(hostname)} has no dot, so it is not a public domain name` }
  }
  return { kind: 'public' }
}

function fromAddressClass(cls: AddressClass | null, display: string): HostClass {
  if (cls === null) return { kind: 'public' }
  if (cls === 'loopback') return { kind: 'loopback', display }
  return { kind: 'refused', reason: `${cls} address ${display} is not allowed` }
}

/** Dotted-decimal IPv4 (the only spelling WHATWG URL serialises) to its four octets; null otherwise. */
function parseIpv4(text: string): [number, number, number, number] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)
  if (m === null) return null
  const octets = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as const
  if (octets.some((o) => o > 255)) return null
  return [...octets]
}

/** IANA IPv4 special-purpose registry (RFC 6890 and successors): every block that is not globally reachable. */
function classifyIpv4([a, b, c]: readonly number[]): AddressClass | null {
  if (a === undefined || b === undefined || c === undefined) return 'reserved'
  if (a === 0) return 'unspecified' // 0.0.0.0/8 "this network"
  if (a === 127) return 'loopback'
  if (a === 10) return 'private'
  if (a === 172 && b >= 16 && b <= 31) return 'private'
  if (a === 192 && b === 168) return 'private'
  if (a === 100 && b >= 64 && b <= 127) return 'shared (CGNAT)' // RFC 6598
  if (a === 169 && b === 254) return 'link-local'
  if (a === 192 && b === 0 && c === 0) return 'reserved' // IETF protocol assignments
  if (a === 192 && b === 0 && c === 2) return 'documentation'
  if (a === 198 && b === 51 && c === 100) return 'documentation'
  if (a === 203 && b === 0 && c === 113) return 'documentation'
  if (a === 192 && b === 88 && c === 99) return 'reserved' // deprecated 6to4 relay anycast
  if (a === 198 && (b === 18 || b === 19)) return 'reserved' // benchmarking, RFC 2544
  if (a >= 224 && a <= 239) return 'multicast'
  if (a >= 240) return 'reserved' // 240.0.0.0/4 and broadcast
  return null
}

/** IPv6 text (no brackets) to eight 16-bit groups; null when malformed. */
function parseIpv6(text: string): number[] | null {
  // WHATWG URL serialises IPv6 as hex groups only, but accept a dotted IPv4 tail (::ffff:127.0.0.1) too.
  const rest = text.toLowerCase().replace(/(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, (dotted) => {
    const o = parseIpv4(dotted)
    return o === null ? 'x' : `${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`
  })
  const halves = rest.split('::')
  if (halves.length > 2) return null
  const head = parseGroups(halves[0] ?? '')
  const back = parseGroups(halves[1] ?? '')
  if (head === null || back === null) return null
  if (halves.length === 1) return head.length === 8 ? head : null
  const missing = 8 - head.length - back.length
  if (missing < 1) return null
  return [...head, ...new Array<number>(missing).fill(0), ...back]
}

function parseGroups(part: string): number[] | null {
  if (part === '') return []
  const out: number[] = []
  for (const group of part.split(':')) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return null
    out.push(parseInt(group, 16))
  }
  return out
}

/**
 * IANA IPv6 special-purpose registry: only global unicast 2000::/3 is allowed, minus the blocks inside it that are
 * documentation, protocol assignments or that embed an IPv4 address a gateway would forward to (6to4, Teredo, NAT64).
 */
function classifyIpv6(g: readonly number[]): AddressClass | null {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0
  if (firstFiveZero && g5 === 0 && g6 === 0 && g7 === 0) return 'unspecified'
  if (firstFiveZero && g5 === 0 && g6 === 0 && g7 === 1) return 'loopback'
  if (firstFiveZero && g5 === 0xffff) return 'IPv4-mapped'
  if (g0 === 0x64 && g1 === 0xff9b) return 'IPv4-translated' // NAT64, RFC 6052 / RFC 8215
  if ((g0 & 0xfe00) === 0xfc00) return 'unique local' // fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local' // fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return 'reserved' // deprecated site-local fec0::/10
  if ((g0 & 0xff00) === 0xff00) return 'multicast'
  if ((g0 & 0xe000) !== 0x2000) return 'reserved' // outside global unicast 2000::/3
  if (g0 === 0x2001 && g1 === 0x0db8) return 'documentation'
  if (g0 === 0x3fff && g1 < 0x1000) return 'documentation' // 3fff::/20, RFC 9637
  if (g0 === 0x2001 && g1 < 0x0200) return 'reserved' // 2001::/23 protocol assignments, incl. Teredo
  if (g0 === 0x2002) return 'IPv4-translated' // 6to4
  return null
}

function fail(code: UrlCheckCode, reason: string): UrlCheck {
  return { ok: false, code, message: `url: ${reason}` }
}

function quote(text: string): string {
  const short = text.length > MAX_ECHOED_CHARS ? `${text.slice(0, MAX_ECHOED_CHARS)}…` : text
  return JSON.stringify(short)
}
