// Links on the history pages: internal ones carry a ?token= reader along, external ones must be http(s).

/** What a page needs to know about the request that asked for it. */
export interface PageContext {
  /** The token to append to internal links: set only when the reader came with ?token= (no cookie, no header). */
  linkToken: string | null
  /** Show the log-out button (the reader holds the login cookie). */
  cookieLogin: boolean
}

/** An internal link: `path` plus the query parameters that are set, and the reader's ?token= if they came with one. */
export function pageHref(ctx: PageContext, path: string, params: Record<string, string | number | undefined> = {}): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value))
  if (ctx.linkToken) query.set('token', ctx.linkToken)
  const q = query.toString()
  return q === '' ? path : `${path}?${q}`
}

/** `url` as a link target when it is an absolute http(s) URL; null otherwise (javascript:, data:, relative…). */
export function externalHref(url: string): string | null {
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null
  } catch {
    return null
  }
}
