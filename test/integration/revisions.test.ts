// Revision tracking end to end: article pages, minor and flip-flop versions, removals, history and diff API, Atom.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { reset } from 'cloudflare:test'
import { addFeed, api, env, json, tick } from '../support/worker'
import { countingKv } from '../../src/storage/counting-kv'
import { FakeNetwork, feedResponder } from '../support/fake-network'
import Parser from 'rss-parser'

const FEED = 'https://news.example.com/rss.xml'
const ARTICLE = 'https://news.example.com/uk/inquiry-chair-named'
const MIN = 60_000
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)

const PARAGRAPHS = [
  'The Home Office has named the chair of the national inquiry into grooming gangs, ending months of uncertainty.',
  'The inquiry will have statutory powers to compel witnesses and will report within three years.',
  'Campaigners said the appointment was overdue but welcomed the promise of independence.',
  'Local councils in the north of England are expected to be among the first to give evidence.',
]

function rss(title: string, description: string): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title><link>https://news.example.com/</link>
<item><title>${title}</title><link>${ARTICLE}</link><guid>${ARTICLE}</guid><description>${description}</description><pubDate>Mon, 07 Jan 2030 08:30:00 GMT</pubDate></item>
</channel></rss>`
}

function page(headline: string, paragraphs: string[]): string {
  return `<!doctype html><html><head><title>${headline} - News</title></head><body>
<nav><a href="/">Home</a></nav>
<article><h1>${headline}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
<aside class="related-links"><p>Read more: something else entirely</p></aside></article>
<footer>Copyright</footer></body></html>`
}

interface Revision {
  n: number
  source: string
  minor: boolean
  flipFlopOf: number | null
  changedFields: string[]
  classification: string | null
}

let network: FakeNetwork
let feedTitle: string
let feedSummary: string
let pageHtml: () => Response

beforeEach(async () => {
  await reset()
  feedTitle = 'Inquiry chair named'
  feedSummary = 'The Home Office names the chair of the grooming gangs inquiry.'
  pageHtml = () => new Response(page('Inquiry chair named', PARAGRAPHS), { headers: { 'content-type': 'text/html; charset=utf-8' } })
  network = new FakeNetwork().install()
  network.serve(FEED, feedResponder(() => rss(feedTitle, feedSummary)))
  network.serve(ARTICLE, () => pageHtml())
})
afterEach(() => {
  vi.restoreAllMocks()
})

async function articleId(): Promise<string> {
  const items = (await json<{ items: { id: string }[] }>(await api('/api/articles'))).items
  const id = items[0]?.id
  if (!id) throw new Error('no article stored')
  return id
}

async function revisions(id: string): Promise<Revision[]> {
  return (await json<{ items: Revision[] }>(await api(`/api/articles/${id}/revisions`))).items
}

async function alertsOf(type: string): Promise<{ id: string; classification?: string; changes?: { field: string }[] }[]> {
  return (await json<{ items: { id: string; classification?: string; changes?: { field: string }[] }[] }>(await api(`/api/alerts?type=${type}`))).items
}

describe('article pages (fetchArticles)', () => {
  it('stores the page body as version 1 and catches a stealth body edit on a scheduled re-check', async () => {
    await addFeed(FEED, { fetchArticles: true })
    await tick(T0)
    const id = await articleId()
    const v1 = await json<{ latest: { content: string; source: string } }>(await api(`/api/articles/${id}`))
    expect(v1.latest.source).toBe('page')
    expect(v1.latest.content).toContain('statutory powers')
    expect(v1.latest.content).not.toContain('Read more')
    expect(v1.latest.content).not.toContain('Copyright')

    // a quiet edit: one sentence reworded, one paragraph removed; the feed item does not change
    pageHtml = () =>
      new Response(page('Inquiry chair named', [PARAGRAPHS[0] ?? '', 'The inquiry will have statutory powers and will report within five years.', PARAGRAPHS[3] ?? '']), {
        headers: { 'content-type': 'text/html' },
      })
    await tick(T0 + 15 * MIN)
    const history = await revisions(id)
    expect(history.map((r) => r.n)).toEqual([1, 2])
    expect(history[1]).toMatchObject({ source: 'page', minor: false, changedFields: ['content'] })
    const alerts = await alertsOf('revision')
    expect(alerts).toHaveLength(1)

    const diff = await json<{ from: number; to: number; sentences: { deleted: string[]; edited: { before: string; after: string }[] }; fields: Record<string, unknown> }>(
      await api(`/api/articles/${id}/diff`),
    )
    expect(diff).toMatchObject({ from: 1, to: 2 })
    expect(Object.keys(diff.fields)).toEqual(['content'])
    expect(diff.sentences.deleted.join(' ')).toContain('Campaigners said')
    expect(diff.sentences.edited.length).toBeGreaterThanOrEqual(1)
  })

  it('records an empty or collapsed extraction as a feed problem and keeps the previous version', async () => {
    const feedId = await addFeed(FEED, { fetchArticles: true })
    await tick(T0)
    const id = await articleId()
    pageHtml = () => new Response('<html><body><script>var x = 1</script></body></html>', { headers: { 'content-type': 'text/html' } })
    await tick(T0 + 15 * MIN)
    expect((await revisions(id)).map((r) => r.n)).toEqual([1])
    expect(await alertsOf('revision')).toEqual([])
    const feeds = await json<{ items: { id: string; status: { extractionProblems: number; lastExtractionProblem: { articleId: string } | null } }[] }>(await api('/api/feeds'))
    const status = feeds.items.find((f) => f.id === feedId)?.status
    expect(status?.extractionProblems).toBe(1)
    expect(status?.lastExtractionProblem?.articleId).toBe(id)
  })

  it('raises one removed alert when the page starts answering 410', async () => {
    await addFeed(FEED, { fetchArticles: true })
    await tick(T0)
    pageHtml = () => new Response('gone', { status: 410 })
    await tick(T0 + 15 * MIN)
    await tick(T0 + 30 * MIN)
    const removed = await alertsOf('removed')
    expect(removed).toHaveLength(1)
  })

  it('re-fetches the page when the feed item changes and records one version for it', async () => {
    await addFeed(FEED, { fetchArticles: true })
    await tick(T0)
    const id = await articleId()
    const before = network.requestsTo(ARTICLE).length
    feedSummary = 'The Home Office has named the chair of the national inquiry.'
    pageHtml = () => new Response(page('Inquiry chair appointed', PARAGRAPHS), { headers: { 'content-type': 'text/html' } })
    await tick(T0 + 5 * MIN)
    expect(network.requestsTo(ARTICLE).length).toBe(before + 1)
    const history = await revisions(id)
    expect(history).toHaveLength(2)
    expect(history[1]?.changedFields).toEqual(expect.arrayContaining(['title', 'summary']))
  })
})

describe('article pages: budgets, failures and overlaps', () => {
  it('writes nothing but the heartbeat on a tick where neither the feed nor any due page changed', async () => {
    await addFeed(FEED, { fetchArticles: true })
    await tick(T0)
    await tick(T0 + 15 * MIN) // the page re-check, unchanged
    const { kv, counts } = countingKv(env.STORE)
    await tick(T0 + 30 * MIN, { STORE: kv }) // another unchanged re-check
    expect(network.requestsTo(ARTICLE).length).toBe(3)
    expect(counts.writes).toBe(1)
    expect(counts.lists).toBe(0)
  })

  it('fetches a page once in a tick where its item changes on a re-check slot', async () => {
    await addFeed(FEED, { fetchArticles: true })
    await tick(T0)
    feedTitle = 'Inquiry chair appointed'
    await tick(T0 + 15 * MIN)
    expect(network.requestsTo(ARTICLE).length).toBe(2)
  })

  it('still records the feed\'s articles when their pages refuse the bot, and shows the problem on the feed', async () => {
    pageHtml = () => new Response('Forbidden', { status: 403 })
    const feedId = await addFeed(FEED, { fetchArticles: true })
    await tick(T0)
    const id = await articleId()
    const article = await json<{ latest: { source: string; title: string } }>(await api(`/api/articles/${id}`))
    expect(article.latest).toMatchObject({ source: 'feed', title: 'Inquiry chair named' })
    const feeds = await json<{ items: { id: string; status: { extractionProblems: number; lastExtractionProblem: { message: string } | null } }[] }>(await api('/api/feeds'))
    const status = feeds.items.find((f) => f.id === feedId)?.status
    expect(status?.extractionProblems).toBe(1)
    expect(status?.lastExtractionProblem?.message).toContain('403')
  })

  it('raises no removed alert for a page that never answered', async () => {
    pageHtml = () => new Response('not found', { status: 404 })
    await addFeed(FEED, { fetchArticles: true })
    await tick(T0)
    await tick(T0 + 15 * MIN)
    expect(await alertsOf('removed')).toEqual([])
    expect(await articleId()).toMatch(/^[0-9a-f]{20}$/)
  })

  it('does not alert when a second feed with a different standfirst carries a page-tracked article', async () => {
    const OTHER = 'https://politics.example.com/rss.xml'
    network.serve(OTHER, feedResponder(() => rss('Inquiry chair named', 'A different standfirst written by the politics desk.')))
    await addFeed(FEED, { fetchArticles: true })
    await tick(T0)
    await addFeed(OTHER, { fetchArticles: true })
    await tick(T0 + 5 * MIN)
    expect(await alertsOf('revision')).toEqual([])
    const id = await articleId()
    expect((await revisions(id)).map((r) => r.n)).toEqual([1])
  })
})

describe('what counts as a revision', () => {
  it('stores a whitespace-and-quotes-only change as a minor version without an alert', async () => {
    await addFeed(FEED)
    await tick(T0)
    feedSummary = 'The Home Office  names the chair of the grooming gangs inquiry.'
    feedTitle = 'Inquiry chair named\u200b'
    await tick(T0 + 5 * MIN)
    const id = await articleId()
    const history = await revisions(id)
    expect(history).toHaveLength(2)
    expect(history[1]?.minor).toBe(true)
    expect(await alertsOf('revision')).toEqual([])
  })

  it('records a return to an earlier headline as a flip-flop without a second alert', async () => {
    await addFeed(FEED)
    await tick(T0)
    feedTitle = 'Inquiry chair appointed'
    await tick(T0 + 5 * MIN)
    feedTitle = 'Inquiry chair named'
    await tick(T0 + 10 * MIN)
    const history = await revisions(await articleId())
    expect(history.map((r) => r.flipFlopOf)).toEqual([null, null, 1])
    expect(await alertsOf('revision')).toHaveLength(1)
  })

  it('treats a re-rendered relative timestamp on a flip-flopped page as the same text', async () => {
    await addFeed(FEED, { fetchArticles: true })
    const stamped = (headline: string, ago: string) => () =>
      new Response(page(headline, [`Updated ${ago} ago`, ...PARAGRAPHS]), { headers: { 'content-type': 'text/html' } })
    pageHtml = stamped('Inquiry chair named', '5 minutes')
    await tick(T0)
    pageHtml = stamped('Inquiry chair appointed', '20 minutes')
    await tick(T0 + 15 * MIN)
    pageHtml = stamped('Inquiry chair named', '35 minutes')
    await tick(T0 + 30 * MIN)
    const history = await revisions(await articleId())
    expect(history.map((r) => r.flipFlopOf)).toEqual([null, null, 1])
    expect(await alertsOf('revision')).toHaveLength(1)
  })

  it('holds back alerts under the feed\'s minChangeWords and headlineOnly thresholds', async () => {
    const feedId = await addFeed(FEED)
    const patched = await api(`/api/feeds/${feedId}`, { method: 'PATCH', json: { headlineOnly: true } })
    expect(patched.status).toBe(200)
    expect(await json(patched)).toMatchObject({ headlineOnly: true })
    await tick(T0)
    feedSummary = 'The Home Office names a new chair of the grooming gangs inquiry after a long search.'
    await tick(T0 + 5 * MIN)
    expect(await alertsOf('revision')).toEqual([])
    feedTitle = 'Inquiry chair finally named'
    await tick(T0 + 10 * MIN)
    expect(await alertsOf('revision')).toHaveLength(1)
  })
})

describe('history API', () => {
  async function twoVersions(): Promise<string> {
    await addFeed(FEED)
    await tick(T0)
    feedTitle = 'Inquiry chair appointed after delay'
    feedSummary = 'The Home Office names the chair of the national inquiry into grooming gangs.'
    await tick(T0 + 5 * MIN)
    return articleId()
  }

  it('lists versions from 1 and serves each as JSON or as normalised text', async () => {
    const id = await twoVersions()
    const history = await revisions(id)
    expect(history.map((r) => r.n)).toEqual([1, 2])
    const v1 = await json<{ n: number; title: string }>(await api(`/api/articles/${id}/revisions/1`))
    expect(v1).toMatchObject({ n: 1, title: 'Inquiry chair named' })
    const text = await api(`/api/articles/${id}/revisions/2?format=text`)
    expect(text.headers.get('content-type')).toContain('text/plain')
    const body = await text.text()
    expect(body.split('\n')[0]).toBe('Inquiry chair appointed after delay')
    expect(body.split('\n')[1]).toBe('')
  })

  it('answers an unknown version with 404 and a bad version number with 400', async () => {
    const id = await twoVersions()
    expect((await api(`/api/articles/${id}/revisions/9`)).status).toBe(404)
    expect((await api(`/api/articles/${id}/revisions/zero`)).status).toBe(400)
    expect((await api(`/api/articles/${id}/diff?from=1&to=7`)).status).toBe(404)
  })

  it('diffs the last two versions by default and gives a unified patch', async () => {
    const id = await twoVersions()
    const diff = await json<{ from: number; to: number; fields: Record<string, { ops: { op: string; text: string }[] }>; classification: string }>(
      await api(`/api/articles/${id}/diff`),
    )
    expect(diff).toMatchObject({ from: 1, to: 2 })
    expect(diff.fields.title?.ops.filter((o) => o.op === 'insert').map((o) => o.text).join('')).toContain('appointed')
    const patch = await api(`/api/articles/${id}/diff?format=patch`)
    expect(patch.headers.get('content-type')).toContain('text/x-diff')
    const text = await patch.text()
    expect(text).toContain('-Inquiry chair named')
    expect(text).toContain('+Inquiry chair appointed after delay')
  })

  it('lists recent changes across feeds and publishes them as Atom with one entry per revision', async () => {
    const id = await twoVersions()
    feedTitle = 'Inquiry chair appointed'
    await tick(T0 + 10 * MIN)
    const changes = await json<{ items: { articleId: string; n: number; classification: string | null }[] }>(await api('/api/changes'))
    expect(changes.items.map((c) => [c.articleId, c.n])).toEqual([
      [id, 3],
      [id, 2],
    ])
    expect((await api('/changes.atom', { token: null })).status).toBe(401)
    const atom = await api('/changes.atom?token=test-token', { token: null })
    expect(atom.headers.get('content-type')).toContain('application/atom+xml')
    const parsed = await new Parser().parseString(await atom.text())
    expect(parsed.items).toHaveLength(2)
    const ids = parsed.items.map((i) => (i as { id?: string }).id)
    expect(new Set(ids).size).toBe(2)
    expect(ids).toContain(`urn:storywatch:revision:${id}:3`)
  })
})

describe('PATCH /api/feeds/:id', () => {
  it.each([
    ['an empty body', {}, '(body)'],
    ['an unsupported selector', { articleSelector: 'div[' }, 'articleSelector'],
    ['a negative minChangeWords', { minChangeWords: -1 }, 'minChangeWords'],
    ['an unknown field', { fetchArticle: true }, 'fetchArticle'],
  ])('refuses %s with 400 naming the field', async (_name, body, field) => {
    const feedId = await addFeed(FEED)
    const res = await api(`/api/feeds/${feedId}`, { method: 'PATCH', json: body })
    expect(res.status).toBe(400)
    expect((await json<{ error: { message: string } }>(res)).error.message).toContain(field)
  })

  it('changes the options and keeps them in the registry', async () => {
    const feedId = await addFeed(FEED)
    await api(`/api/feeds/${feedId}`, { method: 'PATCH', json: { fetchArticles: true, articleSelector: 'div.story-text', minChangeWords: 5 } })
    const feeds = await json<{ items: { id: string; fetchArticles: boolean; articleSelector: string | null; minChangeWords: number }[] }>(await api('/api/feeds'))
    expect(feeds.items[0]).toMatchObject({ id: feedId, fetchArticles: true, articleSelector: 'div.story-text', minChangeWords: 5 })
  })
})
