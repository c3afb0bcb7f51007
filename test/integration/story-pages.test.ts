// Story pages through the Worker's real fetch handler, on follow-ups driven through real ticks with a fake network.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createExecutionContext, reset } from 'cloudflare:test'
import worker from '../../src/index'
import { TOKEN, addFeed, api, env, json, tick } from '../support/worker'
import { FakeNetwork, feedResponder } from '../support/fake-network'
import { FOLLOW_UP, UNRELATED } from '../support/story-items'

const MIN = 60_000
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)
const WITH_STORY = { SEED_DEFAULT_STORY: 'true' }
const STORY = 'grooming-gangs-inquiry'

interface Item {
  slug: string
  title: string
  text: string
}

// The same agency copy under another outlet's headline: one development, two outlets.
const AGENCY_COPY: Item = {
  slug: 'inquiry-confirmed-agency',
  title: 'Home Secretary confirms national inquiry into grooming gangs after Casey audit',
  text: FOLLOW_UP.text,
}
const HOSTILE_TITLE = '<img src=x onerror=alert(1)> Grooming gangs inquiry chair named <script>alert(1)</script>'
const HOSTILE: Item = {
  slug: 'inquiry-chair-named',
  title: HOSTILE_TITLE,
  text:
    'A former senior judge will chair the national inquiry into grooming gangs, the Home Secretary announced, ' +
    'months after Baroness Casey\u2019s audit of child sexual exploitation. Survivors in Rochdale, Oldham and Telford ' +
    'said the statutory inquiry must examine why police and councils failed the victims of the gangs for so long.',
}

const htmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

// Titles go in as escaped HTML inside CDATA, so the feed parser keeps a title about HTML as literal text.
function rss(host: string, items: Item[]): string {
  const entries = items
    .map(
      (i) =>
        `<item><title><![CDATA[<span>${htmlText(i.title)}</span>]]></title><link>https://${host}/news/${i.slug}</link><guid>https://${host}/news/${i.slug}</guid>` +
        `<description><![CDATA[<p>${htmlText(i.text)}</p>]]></description><pubDate>Mon, 07 Jan 2030 08:00:00 GMT</pubDate></item>`,
    )
    .join('')
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${host}</title><link>https://${host}/</link>${entries}</channel></rss>`
}

interface MatchDto {
  articleId: string
  title: string
  clusterId: string
  explanation: { terms: string[]; entities: string[]; phrases: string[] }
}

let network: FakeNetwork
let itemsA: Item[]
let itemsB: Item[]
beforeEach(async () => {
  await reset()
  itemsA = [UNRELATED]
  itemsB = []
  network = new FakeNetwork().install()
  network.serve('https://news-a.example.com/rss.xml', feedResponder(() => rss('news-a.example.com', itemsA)))
  network.serve('https://news-b.example.org/rss.xml', feedResponder(() => rss('news-b.example.org', itemsB)))
})
afterEach(() => {
  vi.restoreAllMocks()
})

/** A page request as a browser sends it: no Authorization header. */
function page(path: string, init: RequestInit = {}): Promise<Response> {
  return api(path, { redirect: 'manual', ...init, token: null })
}

/** Two outlets: a follow-up in one, the same agency copy in the other a tick later, then a hostile-titled follow-up. */
async function followUpsThroughTicks(): Promise<MatchDto[]> {
  await addFeed('https://news-a.example.com/rss.xml')
  await addFeed('https://news-b.example.org/rss.xml')
  await tick(T0, WITH_STORY)
  itemsA = [FOLLOW_UP, UNRELATED]
  await tick(T0 + 5 * MIN, WITH_STORY)
  itemsB = [AGENCY_COPY]
  await tick(T0 + 10 * MIN, WITH_STORY)
  itemsA = [HOSTILE, FOLLOW_UP, UNRELATED]
  await tick(T0 + 15 * MIN, WITH_STORY)
  return (await json<{ items: MatchDto[] }>(await api(`/api/stories/${STORY}/matches`))).items
}

function expectPageHeaders(res: Response): void {
  expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/i)
  const csp = res.headers.get('content-security-policy') ?? ''
  expect(csp).toMatch(/^default-src 'none';/)
  expect(csp).not.toMatch(/script-src/)
  expect(res.headers.get('x-frame-options')).toBe('DENY')
  expect(res.headers.get('cache-control')).toBe('private, no-store')
}

describe('stories page', () => {
  it('lists the tracked stories with their counts, linking to each', async () => {
    await followUpsThroughTicks()
    const res = await page(`/stories?token=${TOKEN}`)
    expect(res.status).toBe(200)
    expectPageHeaders(res)
    const html = await res.text()
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html).toContain(`href="/stories/${STORY}?token=${TOKEN}"`)
    expect(html).toContain('default story')
    expect(html).toContain('3 follow-ups')
    // The layout's nav links here from every page.
    expect(await (await page(`/?token=${TOKEN}`)).text()).toContain(`href="/stories?token=${TOKEN}"`)
  })

  it('says so when no story is tracked', async () => {
    const html = await (await page(`/stories?token=${TOKEN}`)).text()
    expect(html).toContain('No stories are tracked yet')
  })
})

describe('story timeline page', () => {
  it('shows each follow-up, newest first, with its explanation, grouped by development with every outlet', async () => {
    const matches = await followUpsThroughTicks()
    expect(matches).toHaveLength(3)
    const res = await page(`/stories/${STORY}?token=${TOKEN}`)
    expect(res.status).toBe(200)
    expectPageHeaders(res)
    const html = await res.text()
    expect(html).toContain(htmlText(FOLLOW_UP.title))
    expect(html).toContain(htmlText(AGENCY_COPY.title))
    // Newest first: the development matched on the last tick comes before the earlier one.
    expect(html.indexOf(htmlText(HOSTILE_TITLE))).toBeLessThan(html.indexOf(htmlText(FOLLOW_UP.title)))
    for (const m of matches) {
      expect(html).toContain(`href="/articles/${m.articleId}?token=${TOKEN}"`)
      for (const term of [...m.explanation.terms, ...m.explanation.entities, ...m.explanation.phrases]) expect(html).toContain(htmlText(term))
    }
    expect(matches[0]?.explanation.terms.length).toBeGreaterThan(0)
    // The agency copy joined the first report's development: one section names both outlets.
    const follow = matches.find((m) => m.title === FOLLOW_UP.title)
    const agency = matches.find((m) => m.title === AGENCY_COPY.title)
    expect(agency?.clusterId).toBe(follow?.clusterId)
    const section = html.slice(html.indexOf(`id="${follow?.clusterId}"`), html.indexOf('</section>', html.indexOf(`id="${follow?.clusterId}"`)))
    expect(section).toContain('Development first reported by news-a.example.com')
    expect(section).toContain('Also reported by: news-b.example.org')
    expect(html.indexOf(htmlText(AGENCY_COPY.title), html.indexOf('<ol class="changes">'))).toBeGreaterThan(-1)
    // The original article is linked as an external http(s) link; the profile summary is there with its weights.
    expect(html).toContain(`href="https://news-a.example.com/news/${FOLLOW_UP.slug}"`)
    expect(html).toContain('What the story matches on: threshold')
    expect(html).toMatch(/Top terms<\/h3><p class="meta">[^<]+ \d\.\d{3}/)
    expect(html).toContain('new coverage')
  })

  it('renders a hostile headline as text', async () => {
    const matches = await followUpsThroughTicks()
    expect(matches.map((m) => m.title)).toContain(HOSTILE_TITLE)
    for (const path of [`/stories/${STORY}`, '/stories']) {
      const html = await (await page(`${path}?token=${TOKEN}`)).text()
      expect(html, path).not.toMatch(/<img|<script|onerror=alert\(1\)>/i)
    }
    const html = await (await page(`/stories/${STORY}?token=${TOKEN}`)).text()
    expect(html).toContain(htmlText(HOSTILE_TITLE))
  })

  it('shows the newsroom feedback on a follow-up as confirmed or false alarm', async () => {
    const matches = await followUpsThroughTicks()
    const [first, second] = matches
    await api(`/api/stories/${STORY}/feedback`, { method: 'POST', json: { articleId: first?.articleId, relevant: false } })
    await api(`/api/stories/${STORY}/feedback`, { method: 'POST', json: { articleId: second?.articleId, relevant: true } })
    const html = await (await page(`/stories/${STORY}?token=${TOKEN}`)).text()
    const entry = (id: string | undefined) => html.slice(html.indexOf(`id="match-${id}"`), html.indexOf('</li>', html.indexOf(`id="match-${id}"`)))
    expect(entry(first?.articleId)).toContain('false alarm')
    expect(entry(second?.articleId)).toContain('>confirmed<')
  })

  it('answers a story that does not exist with a 404 page', async () => {
    await followUpsThroughTicks()
    const res = await page(`/stories/no-such-story?token=${TOKEN}`)
    expect(res.status).toBe(404)
    expectPageHeaders(res)
    expect(await res.text()).toContain('no story with id no-such-story')
  })

  it('answers a forged cursor with a 400 page', async () => {
    await followUpsThroughTicks()
    const res = await page(`/stories/${STORY}?cursor=forged&token=${TOKEN}`)
    expect(res.status).toBe(400)
    expectPageHeaders(res)
  })
})

describe('story page access', () => {
  it('answers a request without a token with 401 and the login form', async () => {
    await followUpsThroughTicks()
    for (const path of ['/stories', `/stories/${STORY}`, `/stories/${STORY}?token=wrong`]) {
      const res = await page(path)
      expect(res.status, path).toBe(401)
      expectPageHeaders(res)
      const html = await res.text()
      expect(html).toContain('<form class="login" method="post" action="/login">')
      expect(html).not.toContain(htmlText(FOLLOW_UP.title))
    }
  })

  it('opens the story pages to everyone when PUBLIC_HISTORY is true', async () => {
    await followUpsThroughTicks()
    for (const path of ['/stories', `/stories/${STORY}`]) {
      const res = await worker.fetch(new Request(`https://storywatch.test${path}`), { ...env, PUBLIC_HISTORY: 'true' }, createExecutionContext())
      expect(res.status, path).toBe(200)
      expect(await res.text(), path).not.toContain('token=')
    }
  })

  it('answers other methods with 405 and Allow', async () => {
    const res = await page(`/stories/${STORY}`, { method: 'POST' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
  })
})
