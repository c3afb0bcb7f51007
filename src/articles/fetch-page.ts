// GET of one article page through the feed fetch guards: HTML only, decoded by BOM, header, then <meta charset>.
import { decodeBody, charsetFromContentType, knownEncoding } from '../net/decode-body'
import { describeFetchFailure, guardedFetch } from '../net/guarded-fetch'

/** HTML first; the low-weight catch-all keeps servers that mislabel pages from answering 406. */
const PAGE_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1'

/** Article links from feeds often pass through a tracker and a canonicaliser or two; browsers allow 20. */
const MAX_PAGE_REDIRECTS = 10

/** Bytes scanned for `<meta charset>`; the HTML spec's prescan reads 1024, CMSs sometimes put it a little later. */
const META_CHARSET_SCAN_BYTES = 2048

/** `<meta charset="x">` and `<meta http-equiv="Content-Type" content="text/html; charset=x">` (HTML §13.2.3.2). */
const META_CHARSET = /<meta\s[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i

/** Media types parsed as article pages; a missing Content-Type is given the benefit of the doubt. */
const HTML_TYPES: ReadonlySet<string> = new Set(['text/html', 'application/xhtml+xml'])

export interface FetchPageOptions {
  timeoutMs: number
  maxBytes: number
  allowLoopback: boolean
  userAgent: string
}

export type PageFetchOutcome =
  | { kind: 'ok'; finalUrl: string; html: string }
  /** The page answers 404 or 410: unpublished, or never there. */
  | { kind: 'gone'; status: 404 | 410; finalUrl: string }
  | { kind: 'failed'; code: string; message: string }

/**
 * Fetches an article page through `guardedFetch` (outbound URL guard on every hop, overall timeout, byte cap) and
 * decodes it: byte order mark, then the Content-Type charset, then `<meta charset>` in the first 2 KB, then UTF-8.
 * 404 and 410 are `gone`; other failures and non-HTML bodies (`not_html`) are `failed` with a stored-error code.
 */
export async function fetchArticlePage(
  fetchFn: typeof fetch,
  url: string,
  options: FetchPageOptions,
): Promise<PageFetchOutcome> {
  const outcome = await guardedFetch(fetchFn, url, {
    headers: { 'User-Agent': options.userAgent, Accept: PAGE_ACCEPT },
    timeoutMs: options.timeoutMs,
    maxBytes: options.maxBytes,
    maxRedirects: MAX_PAGE_REDIRECTS,
    allowLoopback: options.allowLoopback,
  })

  switch (outcome.kind) {
    case 'ok': {
      const contentType = outcome.headers.get('content-type')
      const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? ''
      if (mediaType !== '' && !HTML_TYPES.has(mediaType)) {
        return {
          kind: 'failed',
          code: 'not_html',
          message: `articles: ${outcome.finalUrl} is ${mediaType}, not an HTML page`,
        }
      }
      return { kind: 'ok', finalUrl: outcome.finalUrl, html: decodeHtml(outcome.body, contentType) }
    }
    case 'not_modified':
      // No validators are sent, so a 304 is the server's mistake; there is no body to use.
      return { kind: 'failed', code: 'http_304', message: `articles: unexpected 304 from ${outcome.finalUrl}` }
    case 'http_error':
      if (outcome.status === 404 || outcome.status === 410) {
        return { kind: 'gone', status: outcome.status, finalUrl: outcome.finalUrl }
      }
      return { kind: 'failed', ...describeFetchFailure(outcome, 'articles') }
    case 'network_error':
    case 'timeout':
    case 'too_large':
    case 'blocked_url':
    case 'too_many_redirects':
    case 'redirect_loop':
      return { kind: 'failed', ...describeFetchFailure(outcome, 'articles') }
    default: {
      const unhandled: never = outcome
      throw new Error(`articles: unhandled fetch outcome ${JSON.stringify(unhandled)}`)
    }
  }
}

/**
 * Decodes an HTML body. decodeBody covers the BOM and the Content-Type charset; when the header names no charset
 * TextDecoder knows, the page's own `<meta charset>` is used before UTF-8.
 */
export function decodeHtml(bytes: Uint8Array, contentType: string | null): string {
  if (knownEncoding(charsetFromContentType(contentType)) !== null) return decodeBody(bytes, contentType)
  const meta = metaCharset(bytes)
  return decodeBody(bytes, meta === null ? contentType : `text/html; charset=${meta}`)
}

function metaCharset(bytes: Uint8Array): string | null {
  // latin1 maps every byte to one char, so the ASCII markup reads the same whatever the real encoding is.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, META_CHARSET_SCAN_BYTES))
  const label = knownEncoding(META_CHARSET.exec(head)?.[1] ?? null)
  if (label === null) return null
  // A meta tag readable as ASCII cannot be UTF-16, whatever it claims (HTML §13.2.3.2 step "utf-16 → utf-8").
  return label.startsWith('utf-16') ? 'utf-8' : label
}
