// Hostile article pages (extractArticle and feeds with fetchArticles) and content that attacks the pages we render.
import { describe, expect, it } from 'vitest'
import { TOKEN, addFeed, api, json, tick } from '../support/worker'
import { feedResponder, freshWorldEachTest } from '../support/fake-network'
import { repeatedBody } from '../support/hostile-feeds'
import { MAX_EXTRACT_BODY_CHARS, extractArticle } from '../../src/articles/extract-page'

const FEED = 'https://news.example.com/rss.xml'
const ARTICLE = 'https://news.example.com/uk/inquiry-chair-named'
const MIN = 60_000
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)
/** Page byte cap (src/config/settings.ts MAX_PAGE_BYTES). */
const MAX_PAGE_BYTES = 3 * 1024 * 1024
const MB = 1024 * 1024

const PARAGRAPHS = [
  'The Home Office has named the chair of the national inquiry into grooming gangs, ending months of uncertainty.',
  'The inquiry will have statutory powers to compel witnesses and will report within three years, officials said.',
  'Campaigners said survivors must be at the centre of the process and asked for a timetable for public hearings.',
]

function page(headline: string, paragraphs: string[]): string {
  return `<!doctype html><html><head><title>${headline}</title></head><body><article><h1>${headline}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</article></body></html>`
}

function feed(items: string): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title><link>https://news.example.com/</link>${items}</channel></rss>`
}
const ITEM = `<item><title>Inquiry chair named</title><link>${ARTICLE}</link><guid>${ARTICLE}</guid><description>The Home Office names the chair.</description></item>`

const network = freshWorldEachTest({ quietLogs: true })

describe('extractArticle on hostile pages', () => {
  it('reads an enormous page (20 MB of paragraphs) in bounded time and returns at most the body cap', async () => {
    const html = `<html><body><article>${'<p>More words of the endless article.</p>'.repeat(Math.ceil((20 * MB) / 40))}</article></body></html>`
    const started = Date.now()
    const result = await extractArticle(html)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(result.kind).toBe('ok')
    if (result.kind === 'ok') expect(result.body.length).toBeLessThanOrEqual(MAX_EXTRACT_BODY_CHARS)
  })

  it('caps a single 5 MB text node inside the article', async () => {
    const result = await extractArticle(`<html><body><article><p>${'word '.repeat(MB)}</p></article></body></html>`)
    expect(result.kind).toBe('ok')
    if (result.kind === 'ok') expect(result.body.length).toBeLessThanOrEqual(MAX_EXTRACT_BODY_CHARS)
  })

  it('reads past an attribute of megabytes', async () => {
    const result = await extractArticle(`<html><body><article data-x="${'x'.repeat(2 * MB)}"><p>Kept paragraph of the article text.</p></article></body></html>`)
    expect(result.kind === 'ok' && result.body).toBe('Kept paragraph of the article text.')
  })

  // HTMLRewriter gives up on 20,000 or more open elements ("Parser error: The memory limit has been exceeded"), from
  // 100 KB of markup: that is an extraction problem, never a throw.
  it('gives a value, not a throw, for elements nested 100,000 deep', async () => {
    const html = `<html><body><article><p>Kept paragraph of the article text.</p>${'<div>'.repeat(100_000)}deep${'</div>'.repeat(100_000)}</article></body></html>`
    expect(await extractArticle(html)).toEqual({ kind: 'empty', reason: expect.stringMatching(/^extract: the page could not be parsed/) })
  })

  it.each([
    ['a page with no text', '<html><head><title>x</title></head><body><div><img src="a.jpg"></div></body></html>'],
    ['a script-only page', `<html><body><script>${'document.write("<p>no</p>");'.repeat(10_000)}</script><noscript><p>Enable JavaScript</p></noscript></body></html>`],
    ['binary data decoded as text', new TextDecoder().decode(Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919 + 13) % 256))],
    ['an empty string', ''],
  ])('gives empty, with a reason, for %s', async (_name, html) => {
    const result = await extractArticle(html)
    expect(result.kind).toBe('empty')
    if (result.kind === 'empty') expect(result.reason).toMatch(/^extract: /)
  })
})

describe('hostile article pages through a feed with fetchArticles', () => {
  interface FeedStatus {
    id: string
    status: { lastError: { code: string } | null; extractionProblems: number; lastExtractionProblem: { message: string } | null }
  }
  async function status(feedId: string): Promise<FeedStatus['status'] | undefined> {
    return (await json<{ items: FeedStatus[] }>(await api('/api/feeds'))).items.find((f) => f.id === feedId)?.status
  }
  async function onlyArticle(): Promise<{ id: string; versionCount: number; latest: { source: string; content: string; contentHash: string } }> {
    const [first] = (await json<{ items: { id: string }[] }>(await api('/api/articles'))).items
    if (!first) throw new Error('no article stored')
    return json(await api(`/api/articles/${first.id}`))
  }

  /** Name, page, and the extraction problem it is recorded as (null: a fetch failure, counted in the tick summary). */
  const hostilePages: [string, () => Response, RegExp | null][] = [
    ['an enormous page past the page byte cap', () => new Response(repeatedBody('<html><body><article>', '<p>endless words</p>', 50 * MB).stream, { headers: { 'content-type': 'text/html' } }), /is larger than \d+ bytes/],
    ['binary data served as text/html', () => new Response(Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919 + 13) % 256), { headers: { 'content-type': 'text/html' } }), /binary/],
    ['a script-only page', () => new Response('<html><body><script>var story = "<p>hidden</p>"</script></body></html>', { headers: { 'content-type': 'text/html' } }), /no article text/],
    ['a page with no text', () => new Response('<html><body><article><img src="x.jpg"></article></body></html>', { headers: { 'content-type': 'text/html; charset=utf-8' } }), /no article text/],
    ['elements nested 100,000 deep', () => new Response(`<html><body><article><p>Short.</p>${'<div>'.repeat(100_000)}</article></body></html>`, { headers: { 'content-type': 'text/html' } }), /could not be parsed/],
  ]

  it.each(hostilePages)('keeps the page version and records an extraction problem for %s on a re-check', async (_name, hostile, message) => {
    let serveHostile = false
    network.serve(FEED, feedResponder(() => feed(ITEM)))
    network.serve(ARTICLE, () => (serveHostile ? hostile() : new Response(page('Inquiry chair named', PARAGRAPHS), { headers: { 'content-type': 'text/html' } })))
    const feedId = await addFeed(FEED, { fetchArticles: true })
    await tick(T0)
    const v1 = await onlyArticle()
    expect(v1.latest.source).toBe('page')

    serveHostile = true
    await tick(T0 + 15 * MIN)
    const after = await onlyArticle()
    expect(after.versionCount).toBe(1)
    expect(after.latest.contentHash).toBe(v1.latest.contentHash)
    const s = await status(feedId)
    expect(s?.lastError).toBeNull()
    // Every case, a page that will not parse or a permanent fetch failure, shows on the feed as an extraction problem.
    expect(s?.extractionProblems).toBe(1)
    if (message) expect(s?.lastExtractionProblem?.message).toMatch(message)
    expect((await json<{ items: unknown[] }>(await api('/api/alerts'))).items).toEqual([])
  })

  it.each(hostilePages)('keeps the feed text when the first page fetch is %s', async (_name, hostile) => {
    network.serve(FEED, feedResponder(() => feed(ITEM)))
    network.serve(ARTICLE, hostile)
    const feedId = await addFeed(FEED, { fetchArticles: true })
    await tick(T0)
    const article = await onlyArticle()
    expect(article.latest.source).toBe('feed')
    expect(article.latest.content + JSON.stringify(article)).not.toContain('endless words')
    expect((await status(feedId))?.lastError).toBeNull()
  })

  it('stores at most the body cap from a page just under the byte cap', async () => {
    network.serve(FEED, feedResponder(() => feed(ITEM)))
    const big = page('Inquiry chair named', Array.from({ length: Math.floor((MAX_PAGE_BYTES - 4096) / 80) }, (_, i) => `Paragraph ${i} of a very long article about the inquiry.`))
    expect(big.length).toBeLessThan(MAX_PAGE_BYTES)
    network.serve(ARTICLE, () => new Response(big, { headers: { 'content-type': 'text/html' } }))
    await addFeed(FEED, { fetchArticles: true })
    await tick(T0)
    const article = await onlyArticle()
    expect(article.latest.source).toBe('page')
    expect(article.latest.content.length).toBeLessThanOrEqual(MAX_EXTRACT_BODY_CHARS)
  })
})

describe('content that attacks the pages we render', () => {
  const SCRIPTY = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(2)>',
    '<svg onload=alert(3)><script>alert(4)</script></svg>',
    '<a href="javascript:alert(5)">click</a>',
    '<a href=" JaVaScRiPt:alert(6)">spaced</a>',
    '<iframe srcdoc="&lt;script&gt;alert(7)&lt;/script&gt;"></iframe>',
    '<style>body{background:url(javascript:alert(8))}</style>',
    '<p style="background:url(javascript:alert(9));behavior:url(x.htc)">Styled</p>',
    '<form action="javascript:alert(10)"><button formaction="javascript:alert(11)">Go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(12)"><base href="javascript:alert(13)//">',
    '<math><mi xlink:href="javascript:alert(14)">x</mi></math><object data="javascript:alert(15)"></object><embed src="javascript:alert(16)">',
    '<details open ontoggle=alert(17)><summary>More</summary></details><body onload=alert(18)>',
  ].join('')
  // The same markup as literal text (escaped once inside CDATA): a headline about HTML must show as text.
  const literal = (html: string): string => html.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  const item = (title: string, body: string): string =>
    `<item><title><![CDATA[${title}]]></title><link>javascript:alert(19)</link><guid>https://hostile.example.org/story</guid>` +
    `<author><![CDATA[<script>alert(20)</script>Reporter]]></author><category><![CDATA[<img src=x onerror=alert(21)>]]></category>` +
    `<description><![CDATA[<p>${literal(SCRIPTY)}</p>${SCRIPTY}<p>A calm summary.</p>]]></description>` +
    `<content:encoded><![CDATA[${body}]]></content:encoded></item>` +
    `<item><title>Quotes " and ' in a link</title><link>https://hostile.example.org/a"&gt;&lt;script&gt;alert(22)&lt;/script&gt;</link></item>`
  const rss2 = (items: string): string =>
    `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title><![CDATA[<script>alert(23)</script>Desk]]></title><link>https://hostile.example.org/</link>${items}</channel></rss>`
  const HOSTILE = 'https://hostile.example.org/rss.xml'

  /** Every start tag of a document, for checks on attributes (escaped text never forms a tag). */
  function tags(html: string): string[] {
    return html.match(/<[a-zA-Z][^>]*>/g) ?? []
  }

  function expectInert(html: string, where: string): void {
    expect(html, where).not.toMatch(/<script/i)
    expect(html, where).not.toMatch(/<(svg|iframe|object|embed|math|base|meta\s+http-equiv|body\s+on|details\s+on)/i)
    for (const tag of tags(html)) {
      expect(tag, where).not.toMatch(/\son[a-z]+\s*=/i)
      expect(tag, where).not.toMatch(/\sstyle\s*=/i)
      expect(tag, where).not.toMatch(/\s(href|src|action|formaction|data|xlink:href|srcdoc)\s*=\s*["']?\s*(javascript|vbscript|data):/i)
    }
    // The one <style> element is the page's own, allowed by hash; a feed's stylesheet never gets through.
    expect((html.match(/<style/gi) ?? []).length, where).toBeLessThanOrEqual(1)
    expect(html, where).not.toMatch(/<style>[^<]*javascript/i)
  }

  it('escapes titles, summaries, bodies, bylines and links from a feed on every page, which all send a strict CSP', async () => {
    let body = rss2(item(`${SCRIPTY}Headline one`, `<p>First body.</p>${SCRIPTY}`))
    network.serve(HOSTILE, feedResponder(() => body))
    await addFeed(HOSTILE)
    await tick(T0)
    body = rss2(item(`${SCRIPTY}Headline two ${literal('<script>alert(24)</script>')}`, `<p>Second body.</p>${SCRIPTY}${literal(SCRIPTY)}`))
    await tick(T0 + 5 * MIN)

    const changes = (await json<{ items: { articleId: string }[] }>(await api('/api/changes'))).items
    expect(changes.length).toBeGreaterThanOrEqual(1)
    const listed = (await json<{ items: { id: string; title: string }[] }>(await api('/api/articles?limit=100'))).items
    const articleIds = listed.map((a) => a.id)
    const story = listed.find((a) => a.title.includes('Headline two'))?.id
    expect(story).toBeDefined()
    const paths = [
      `/?token=${TOKEN}`,
      `/?minor=1&token=${TOKEN}`,
      ...articleIds.map((id) => `/articles/${id}?token=${TOKEN}`),
      ...changes.map((c) => `/articles/${c.articleId}/diff?from=1&to=2&token=${TOKEN}`),
    ]
    for (const path of paths) {
      const res = await api(path, { token: null })
      expect(res.status, path).toBe(200)
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp, path).toMatch(/^default-src 'none';/)
      expect(csp, path).not.toMatch(/script-src|unsafe-inline|unsafe-eval/)
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff')
      const html = await res.text()
      expectInert(html, path)
      if (path.startsWith(`/articles/${story}?`)) expect(html, path).toContain('&lt;script&gt;alert(24)&lt;/script&gt;')
    }
  })

  it('keeps feed markup out of the Atom feeds as markup', async () => {
    let body = rss2(item('Headline one', '<p>First body.</p>'))
    network.serve(HOSTILE, feedResponder(() => body))
    await addFeed(HOSTILE)
    await tick(T0)
    body = rss2(item(`${SCRIPTY}Headline two`, `<p>Second body.</p>${SCRIPTY}`))
    await tick(T0 + 5 * MIN)
    for (const path of [`/alerts.atom?token=${TOKEN}`, `/changes.atom?token=${TOKEN}`]) {
      const res = await api(path, { token: null })
      expect(res.status, path).toBe(200)
      const xml = await res.text()
      expect(xml, path).not.toMatch(/<script|<img|<svg|<iframe/i)
    }
  })
})
