// Random mutations of every fixture feed (fast-check): parse and normalise never throw, and through real ticks a
// mutation confined to one item or to the channel header never raises a revision of any other article.
import { describe, expect, it } from 'vitest'
import { reset } from 'cloudflare:test'
import fc from 'fast-check'
import { addFeed, api, json, tick } from '../support/worker'
import { feedResponder, freshWorldEachTest } from '../support/fake-network'
import { FEED_URL, feedRegions, mutateDocument, mutateRegion, mutation } from '../support/hostile-feeds'
import { parseFeed } from '../../src/feeds/parse-feed'
import { normaliseFeed } from '../../src/articles/normalise-item'
import { articleIdFromKey, articleKey } from '../../src/articles/article-id'

const fixtures = import.meta.glob<string>('../../fixtures/feeds/*.xml', { query: '?raw', import: 'default', eager: true })
// The pipeline tests tick every 5 minutes; a <ttl> would make it wait (tick.test.ts does the same).
const FIXTURES = Object.entries(fixtures).map(([path, xml]) => ({ name: path.split('/').at(-1) ?? path, xml: xml.replace(/<ttl>\d+<\/ttl>/g, '') }))
const MIN = 60_000
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)
/** Codes a per-feed error may carry after a mutation; `internal` (an unexpected throw) is not one of them. */
const EXPECTED_FEED_ERRORS = ['malformed_xml', 'not_a_feed', 'empty_body', 'html_page']

// Hundreds of ticks: their one-line summaries are noise here.
const network = freshWorldEachTest({ quietLogs: true })

/** The article id of each item of `xml`, by its index, as normaliseFeed assigns them (null: no identity). */
async function idsByItem(xml: string): Promise<(string | null)[]> {
  const outcome = await parseFeed(xml, FEED_URL)
  if (outcome.kind !== 'ok') throw new Error(`fixture does not parse: ${outcome.message}`)
  const counts = new Map<string, number>()
  for (const item of outcome.feed.items) {
    const guid = item.guid?.trim()
    if (guid) counts.set(guid, (counts.get(guid) ?? 0) + 1)
  }
  return Promise.all(
    outcome.feed.items.map(async (item) => {
      const guid = item.guid?.trim() ?? ''
      const key = articleKey(item, FEED_URL, guid !== '' && counts.get(guid) === 1)
      return key === null ? null : articleIdFromKey(key.key)
    }),
  )
}

describe('mutated fixture feeds through parseFeed and normaliseFeed (property)', () => {
  it('never throw: every outcome is a value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIXTURES), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (fixture, ms) => {
        const xml = mutateDocument(fixture.xml, ms)
        const outcome = await parseFeed(xml, FEED_URL)
        if (outcome.kind === 'ok') {
          const result = await normaliseFeed(outcome.feed, { feedId: 'f', feedUrl: FEED_URL, capturedAt: new Date(T0).toISOString() })
          for (const s of result.snapshots) expect(s.articleId).toMatch(/^[0-9a-f]{20}$/)
        } else {
          expect(['empty_body', 'html_page', 'malformed_xml', 'not_a_feed']).toContain(outcome.code)
        }
      }),
      { numRuns: 300 },
    )
  })
})

interface AlertItem {
  type: string
  articleId: string
}
interface FeedItem {
  id: string
  status: { lastError: { code: string; message: string } | null }
}

describe('mutated fixture feeds through the pipeline (property)', () => {
  const parseable = FIXTURES.filter((f) => !/empty-body|truncated/.test(f.name))

  it('raise no revision alert for any item the mutation did not touch, and record any failure as an expected per-feed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...parseable),
        fc.oneof(fc.constant(-1), fc.nat(40)),
        mutation,
        async (fixture, target, m) => {
          await reset()
          const regions = feedRegions(fixture.xml)
          const ids = await idsByItem(fixture.xml)
          expect(ids).toHaveLength(regions.items.length)
          const index = target === -1 ? -1 : target % regions.items.length
          const region = index === -1 ? regions.header : (regions.items[index] ?? regions.header)
          const mutated = mutateRegion(fixture.xml, region, m)
          const touched = index === -1 ? null : (ids[index] ?? null)
          const untouched = new Set(ids.filter((id, i): id is string => id !== null && i !== index && id !== touched))

          let body = fixture.xml
          network.serve(FEED_URL, feedResponder(() => body))
          const feedId = await addFeed(FEED_URL)
          await tick(T0)
          const before = new Map<string, string>()
          for (const id of untouched) before.set(id, (await json<{ latest: { contentHash: string } }>(await api(`/api/articles/${id}`))).latest.contentHash)

          body = mutated
          await tick(T0 + 5 * MIN)

          const alerts = (await json<{ items: AlertItem[] }>(await api('/api/alerts?limit=100'))).items
          const wrong = alerts.filter((a) => a.type === 'revision' && untouched.has(a.articleId))
          expect(wrong, `revision of an untouched item after ${JSON.stringify(m)} on ${index === -1 ? 'the header' : `item ${index}`} of ${fixture.name}`).toEqual([])
          for (const [id, hash] of before) {
            const res = await api(`/api/articles/${id}`)
            expect(res.status).toBe(200)
            expect((await json<{ latest: { contentHash: string } }>(res)).latest.contentHash).toBe(hash)
          }
          const feed = (await json<{ items: FeedItem[] }>(await api('/api/feeds'))).items.find((f) => f.id === feedId)
          const code = feed?.status.lastError?.code
          if (code !== undefined) expect(EXPECTED_FEED_ERRORS, feed?.status.lastError?.message).toContain(code)
        },
      ),
      { numRuns: 30 },
    )
  }, 60_000)
})
