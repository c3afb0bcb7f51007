// History pages through the Worker's real fetch handler, on revisions driven through real ticks with a fake network.
import { describe, expect, it } from 'vitest'
import { createExecutionContext } from 'cloudflare:test'
import worker from '../../src/index'
import { TOKEN, addFeed, api, env, json, tick } from '../support/worker'
import { feedResponder, freshWorldEachTest } from '../support/fake-network'
import contentEncoded from '../../fixtures/feeds/rss2-content-encoded.xml?raw'
import editedHeadline from '../../fixtures/feeds/rss2-edited-headline.xml?raw'

const FEED = 'https://news.example.com/rss.xml'
const HOSTILE_FEED = 'https://hostile.example.org/rss.xml'
const MIN = 60_000
// After the feeds' addedAt (the real clock), as a tick is in production.
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)

const RSS = (item: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title><link>https://hostile.example.org/</link><description>d</description>${item}</channel></rss>`
const HOSTILE_TITLE = '<img src=x onerror=alert(1)> and <script>alert(1)</script>'
const htmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
// Escaped inside real markup, so the feed parser keeps it as the literal text of a tag (a title about HTML).
const ITEM = (title: string, paragraphs: string[]) =>
  `<item><title><![CDATA[<span>${htmlText(title)}</span>]]></title><link>https://hostile.example.org/story</link>` +
  `<guid>https://hostile.example.org/story</guid><description><![CDATA[${paragraphs.map((p) => `<p>${htmlText(p)}</p>`).join('')}]]></description></item>`

interface ChangeDto {
  articleId: string
  n: number
  changedFields: string[]
}

const network = freshWorldEachTest()

/** A page request as a browser sends it: no Authorization header; redirects are returned, not followed. */
function page(path: string, init: RequestInit = {}): Promise<Response> {
  return api(path, { redirect: 'manual', ...init, token: null })
}

/** Feeds `first`, ticks, switches the feed to `second`, ticks again; returns the id of the one revised article. */
async function revise(url: string, first: string, second: string): Promise<string> {
  let body = first
  network.serve(url, feedResponder(() => body))
  await addFeed(url)
  await tick(T0)
  body = second
  await tick(T0 + 5 * MIN)
  const changes = (await json<{ items: ChangeDto[] }>(await api('/api/changes'))).items
  expect(changes).toHaveLength(1)
  return changes[0]?.articleId ?? ''
}

function texts(html: string, tag: 'ins' | 'del'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}(?: [^>]*)?>([^<]*)</${tag}>`, 'g'))].map((m) => m[1] ?? '')
}

async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
}

function expectPageHeaders(res: Response): void {
  expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/i)
  const csp = res.headers.get('content-security-policy') ?? ''
  expect(csp).toMatch(/^default-src 'none';/)
  expect(csp).not.toMatch(/script-src/)
  expect(csp).toMatch(/frame-ancestors 'none'/)
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  expect(res.headers.get('referrer-policy')).toBe('no-referrer')
  expect(res.headers.get('x-frame-options')).toBe('DENY')
  expect(res.headers.get('cache-control')).toBe('private, no-store')
}

describe('recent changes page', () => {
  it('lists a headline change with the old words struck and the new ones underlined', async () => {
    const id = await revise(FEED, contentEncoded, editedHeadline)
    const res = await page(`/?token=${TOKEN}`)
    expect(res.status).toBe(200)
    expectPageHeaders(res)
    const html = await res.text()
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html).toContain('headline changed')
    expect(texts(html, 'ins').join('')).toContain('consecutive')
    expect(texts(html, 'del').join('')).toContain('in a row')
    // Links keep the ?token= the reader came with, so the next page needs no login either.
    expect(html).toContain(`href="/articles/${id}?token=${TOKEN}"`)
    expect(html).toContain(`href="/articles/${id}/diff?from=1&amp;to=2&amp;token=${TOKEN}"`)
  })

  it('allows its inline stylesheet by hash and nothing else', async () => {
    const res = await page(`/?token=${TOKEN}`)
    const html = await res.text()
    const css = /<style>([^<]*)<\/style>/.exec(html)?.[1] ?? ''
    expect(css).toContain('ins{')
    expect(res.headers.get('content-security-policy')).toContain(`style-src 'sha256-${await sha256Base64(css)}'`)
    expect(html).not.toMatch(/<script|style="/i)
  })

  it('hides minor revisions behind a link and shows them on request', async () => {
    const id = await revise(FEED, contentEncoded, contentEncoded.replace('Thursday’s', "Thursday's"))
    const hidden = await (await page(`/?token=${TOKEN}`)).text()
    expect(hidden).not.toContain(`/articles/${id}?`)
    expect(hidden).toContain('1 minor change hidden')
    const shown = await (await page(`/?minor=1&token=${TOKEN}`)).text()
    expect(shown).toContain(`/articles/${id}?`)
    expect(shown).toMatch(/class="minor"/)
  })
})

describe('article timeline page', () => {
  it('shows every version, newest first, with the inline diff and its analysis', async () => {
    const id = await revise(FEED, contentEncoded, editedHeadline)
    const res = await page(`/articles/${id}?token=${TOKEN}`)
    expect(res.status).toBe(200)
    expectPageHeaders(res)
    const html = await res.text()
    expect(html.indexOf('id="v2"')).toBeLessThan(html.indexOf('id="v1"'))
    expect(texts(html, 'ins').join('')).toContain('consecutive')
    expect(texts(html, 'del').join('')).toContain('in a row')
    expect(html).toContain('headline change')
    expect(html).toMatch(/significance \d\.\d\d/)
    expect(html).toContain('changed: Headline')
    expect(html).toContain('source: feed item')
    expect(html).toContain('Body (unchanged)')
    // The article's own link is an external http(s) link.
    expect(html).toContain('href="https://www.northernledger.co.uk/society/2025/jun/12/nhs-waiting-list-falls-third-month"')
  })

  it('marks a sentence that moved to another paragraph as moved, not as deleted and inserted', async () => {
    const paragraphs = ['The council met on Monday evening.', 'Residents asked about the bypass.', 'The mayor promised an answer by June.']
    const [a = '', b = '', c = ''] = paragraphs
    const id = await revise(HOSTILE_FEED, RSS(ITEM('Council meeting', [a, b, c])), RSS(ITEM('Council meeting', [b, c, a])))
    const html = await (await page(`/articles/${id}?token=${TOKEN}`)).text()
    expect(html).toContain(`<mark class="moved" title="sentence moved here from elsewhere in the article"><span class="badge">moved down ↓</span>${a}</mark>`)
    expect(html).toContain('>a sentence moved down from here ↓</span>')
    const diff = html.slice(html.indexOf('<div class="diff">'), html.indexOf('</div>', html.indexOf('<div class="diff">')))
    expect(texts(diff, 'ins')).toEqual([])
    expect(texts(diff, 'del')).toEqual([])
  })

  it('renders a hostile headline and summary as text', async () => {
    const id = await revise(
      HOSTILE_FEED,
      RSS(ITEM('Quiet headline', ['A calm summary.'])),
      RSS(ITEM(HOSTILE_TITLE, ['<script>alert(2)</script> A calm summary.'])),
    )
    for (const path of ['/', `/articles/${id}`, `/articles/${id}/diff`]) {
      const html = await (await page(`${path}?token=${TOKEN}`)).text()
      expect(html, path).not.toMatch(/<img|<script|onerror=alert\(1\)>/i)
      expect(html, path).toContain('&lt;img src=x onerror=alert(1)&gt;')
      expect(html, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    }
    const timeline = await (await page(`/articles/${id}?token=${TOKEN}`)).text()
    expect(timeline).toContain('<h1>&lt;img src=x onerror=alert(1)&gt; and &lt;script&gt;alert(1)&lt;/script&gt;</h1>')
    expect(texts(timeline, 'ins').join('')).toContain('&lt;script&gt;alert(2)&lt;/script&gt;')
  })
})

describe('diff page', () => {
  it('compares the two versions asked for and offers a picker for any other pair', async () => {
    const id = await revise(FEED, contentEncoded, editedHeadline)
    const res = await page(`/articles/${id}/diff?from=1&to=2&token=${TOKEN}`)
    expect(res.status).toBe(200)
    expectPageHeaders(res)
    const html = await res.text()
    expect(texts(html, 'ins').join('')).toContain('consecutive')
    expect(html).toContain(`<form class="pick" method="get" action="/articles/${id}/diff">`)
    expect(html).toContain(`<input type="hidden" name="token" value="${TOKEN}"/>`)
    // The body is shown in full on this page, not folded.
    expect(html).toContain('The waiting list for routine hospital treatment')
  })

  it.each([
    ['an unknown article', '/articles/0123456789abcdef0123/diff', 404, 'no article with id'],
    ['a malformed article id', '/articles/not-an-id', 404, 'no article with id'],
    ['a version that does not exist', '/articles/{id}/diff?from=1&to=9', 404, 'has versions 1 to 2, not 9'],
    ['a version that is not a number', '/articles/{id}/diff?from=one', 400, 'from must be a version number'],
  ])('answers %s with an HTML error page and the right status', async (_name, path, status, message) => {
    const id = await revise(FEED, contentEncoded, editedHeadline)
    const sep = path.includes('?') ? '&' : '?'
    const res = await page(`${path.replace('{id}', id)}${sep}token=${TOKEN}`)
    expect(res.status).toBe(status)
    expectPageHeaders(res)
    expect(await res.text()).toContain(message)
  })
})

describe('access', () => {
  it('answers a page request without a token with 401 and the login form, as HTML', async () => {
    for (const path of ['/', '/articles/0123456789abcdef0123', '/articles/0123456789abcdef0123/diff?token=wrong']) {
      const res = await page(path)
      expect(res.status, path).toBe(401)
      expectPageHeaders(res)
      const html = await res.text()
      expect(html).toContain('<form class="login" method="post" action="/login">')
      expect(html).not.toContain('wrong')
    }
  })

  it('logs in through the form with an HttpOnly, SameSite=Strict, Secure cookie and returns to the page asked for', async () => {
    const id = await revise(FEED, contentEncoded, editedHeadline)
    const refused = await page('/login', { method: 'POST', body: new URLSearchParams({ token: 'wrong', next: `/articles/${id}` }) })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('set-cookie')).toBeNull()
    expect(await refused.text()).toContain('That token is not valid.')

    const res = await page('/login', { method: 'POST', body: new URLSearchParams({ token: TOKEN, next: `/articles/${id}` }) })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`/articles/${id}`)
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(new RegExp(`^storywatch_token=${TOKEN};`))
    for (const attribute of ['HttpOnly', 'SameSite=Strict', 'Secure', 'Path=/']) expect(cookie).toContain(attribute)

    const html = await (await page(`/articles/${id}`, { headers: { cookie: `storywatch_token=${TOKEN}` } })).text()
    expect(texts(html, 'ins').join('')).toContain('consecutive')
    // Cookie readers get clean links (no token in URLs) and a log-out button.
    expect(html).not.toContain('token=')
    expect(html).toContain('action="/logout"')
  })

  it('never redirects a login to another origin', async () => {
    for (const next of ['//evil.example/', '/\\evil.example/', 'https://evil.example/', '/ok\nLocation: x']) {
      const res = await page('/login', { method: 'POST', body: new URLSearchParams({ token: TOKEN, next }) })
      expect(res.headers.get('location'), next).toBe('/')
    }
  })

  it('logs out by clearing the cookie', async () => {
    const res = await page('/logout', { method: 'POST', headers: { cookie: `storywatch_token=${TOKEN}` } })
    expect(res.status).toBe(303)
    expect(res.headers.get('set-cookie')).toMatch(/^storywatch_token=;.*Max-Age=0/)
  })

  it('opens the pages to everyone when PUBLIC_HISTORY is true', async () => {
    const id = await revise(FEED, contentEncoded, editedHeadline)
    for (const path of ['/', `/articles/${id}`, `/articles/${id}/diff`]) {
      const res = await worker.fetch(new Request(`https://storywatch.test${path}`), { ...env, PUBLIC_HISTORY: 'true' }, createExecutionContext())
      expect(res.status, path).toBe(200)
      expect(await res.text(), path).not.toContain('token=')
    }
  })

  it('leaves the API to its own auth and JSON errors', async () => {
    const res = await page('/api/articles')
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toMatch(/application\/json/)
    expect(res.headers.get('content-security-policy')).toBeNull()
    const missing = await api('/api/nothing-here')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toMatch(/application\/json/)
  })

  it('answers other methods on a page with 405 and Allow', async () => {
    const res = await page('/articles/0123456789abcdef0123', { method: 'DELETE' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
    expectPageHeaders(res)
  })
})
