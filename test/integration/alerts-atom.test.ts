// GET /alerts.atom: every alert its own entry, filters, token by query, and the output parses as Atom.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { reset } from 'cloudflare:test'
import Parser from 'rss-parser'
import { addFeed, api, tick } from '../support/worker'
import { FakeNetwork, feedResponder } from '../support/fake-network'

const FEED = 'https://news.example.com/rss.xml'
const MIN = 60_000
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)

function rss(title: string, summary: string): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title><link>https://news.example.com/</link>
<item><title>${title}</title><link>https://news.example.com/a/1</link><guid>https://news.example.com/a/1</guid><description>${summary}</description></item>
</channel></rss>`
}

let title: string
let summary: string
beforeEach(async () => {
  await reset()
  title = 'Council approves bypass'
  summary = 'Councillors voted seven to two in favour of the northern bypass.'
  new FakeNetwork().serve(FEED, feedResponder(() => rss(title, summary))).install()
  await addFeed(FEED)
  await tick(T0)
  title = 'Council delays bypass after protest'
  await tick(T0 + 5 * MIN)
  summary = 'Councillors voted five to four to delay the <script>alert(1)</script> northern bypass.'
  await tick(T0 + 10 * MIN)
})
afterEach(() => {
  vi.restoreAllMocks()
})

describe('GET /alerts.atom', () => {
  it('needs the token, given as ?token= for feed readers', async () => {
    expect((await api('/alerts.atom', { token: null })).status).toBe(401)
    expect((await api('/alerts.atom?token=wrong', { token: null })).status).toBe(401)
    expect((await api('/alerts.atom?token=test-token', { token: null })).status).toBe(200)
  })

  it('gives every alert its own entry with a unique id, title, link, time and a summary with the diff', async () => {
    const res = await api('/alerts.atom?token=test-token', { token: null })
    expect(res.headers.get('content-type')).toContain('application/atom+xml')
    const xml = await res.text()
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">')
    expect(xml).not.toContain('<script>')
    const feed = await new Parser().parseString(xml)
    expect(feed.items).toHaveLength(2)
    const ids = feed.items.map((i) => (i as { id?: string }).id)
    expect(new Set(ids).size).toBe(2)
    for (const item of feed.items) {
      expect(item.title).toMatch(/^Revision/)
      expect(item.link).toMatch(/^https:\/\/storywatch\.test\/articles\/[0-9a-f]{20}$/)
      expect(item.isoDate).toMatch(/^2030-01-07T09:/)
    }
    const summaries = feed.items.map((i) => (i as { summary?: string }).summary ?? '').join('\n')
    expect(summaries).toContain('[+delays+]')
    expect(summaries).toContain('[-approves-]')
  })

  it('filters by type', async () => {
    const feed = await new Parser().parseString(await (await api('/alerts.atom?type=follow_up&token=test-token', { token: null })).text())
    expect(feed.items).toHaveLength(0)
    const bad = await api('/alerts.atom?type=gossip&token=test-token', { token: null })
    expect(bad.status).toBe(400)
  })
})
