// Canonical article URLs: resolved, http(s) only, without fragments, credentials or tracking parameters.

/**
 * Query parameters that only tell the publisher (or an ad network) where a click came from. They are matched
 * case-insensitively; a trailing `*` matches any parameter starting with the rest.
 */
export const TRACKING_PARAMS: readonly string[] = [
  'utm_*', // Google Analytics campaign tags (utm_source, utm_medium, utm_campaign, …)
  'fbclid', // Facebook click id
  'gclid', // Google Ads click id
  'dclid', // Google Display & Video 360 click id
  'gbraid', // Google Ads click id on iOS (app to web)
  'wbraid', // Google Ads click id on iOS (web to app)
  '_gl', // Google Analytics cross-domain linker
  '_ga', // Google Analytics client id (older linker)
  'msclkid', // Microsoft Advertising click id
  'yclid', // Yandex click id
  'mc_cid', // Mailchimp campaign id
  'mc_eid', // Mailchimp subscriber id
  'at_*', // BBC / AT Internet analytics (at_medium, at_campaign, at_custom1, …)
  'ns_*', // comScore tags, used by the BBC (ns_mchannel, ns_source, ns_campaign, …)
  'cmp', // The Guardian campaign code (CMP=share_btn_tw)
  'cmpid', // campaign id used by many publishers (Telegraph, Mirror, …)
  'ito', // The Times / News UK campaign code
  'ocid', // Microsoft Start / MSN syndication
  'smid', // The New York Times share id
  'igshid', // Instagram share id
]

/** Cloudflare's limit on a request URL: a longer link could never be fetched, so it is not an article URL. */
const MAX_URL_LENGTH = 16 * 1024

const exactTrackingParams = new Set(TRACKING_PARAMS.filter((p) => !p.endsWith('*')))
const trackingPrefixes = TRACKING_PARAMS.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1))

/**
 * Resolves `raw` against `base` and returns the canonical form used to compare and identify articles, or null
 * when it is not an http(s) URL. Host is lower-cased and the default port dropped (the URL parser does both);
 * the fragment, any user:password and the {@link TRACKING_PARAMS} are removed; other parameters keep their
 * order and exact spelling.
 */
export function canonicalUrl(raw: string, base: string): string | null {
  const trimmed = raw.trim()
  if (trimmed === '' || trimmed.length > MAX_URL_LENGTH) return null
  let url: URL
  try {
    url = new URL(trimmed, base)
  } catch {
    return null
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  url.hash = ''
  // Credentials in a feed link are either a mistake or a leak; neither belongs in an article's identity.
  url.username = ''
  url.password = ''
  // Filter the raw query rather than going through URLSearchParams, which would re-encode the kept parameters.
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !isTrackingParam(pair))
  url.search = kept.length > 0 ? `?${kept.join('&')}` : ''
  const href = url.href
  return href.length > MAX_URL_LENGTH ? null : href
}

function isTrackingParam(pair: string): boolean {
  const eq = pair.indexOf('=')
  const rawName = eq === -1 ? pair : pair.slice(0, eq)
  let name: string
  try {
    name = decodeURIComponent(rawName.replace(/\+/g, ' ')).toLowerCase()
  } catch {
    name = rawName.toLowerCase()
  }
  return exactTrackingParams.has(name) || trackingPrefixes.some((prefix) => name.startsWith(prefix))
}
