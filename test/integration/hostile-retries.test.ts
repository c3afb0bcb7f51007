// Alert idempotency under retries (fast-check over random edits): the same tick run twice, or two ticks interleaved,
// raise exactly the alerts of one run and store exactly one new version per edited article.
import { beforeEach, describe, expect, it } from 'vitest'
import { reset } from 'cloudflare:test'
import fc from 'fast-check'
import { addFeed, api, json, tick } from '../support/worker'
import { feedResponder, freshWorldEachTest } from '../support/fake-network'
import { FEED_URL, plainItem, rss } from '../support/hostile-feeds'

const MIN = 60_000
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)
const T1 = T0 + 5 * MIN
const T2 = T0 + 10 * MIN
const ITEMS = 6

interface AlertItem {
  id: string
  type: string
  articleId: string
  changes?: { field: string }[]
}
interface ArticleSummary {
  id: string
  versionCount: number
}

/** An edit of item `index`: its headline, its summary, or both. */
const edits = fc.uniqueArray(fc.record({ index: fc.nat(ITEMS - 1), field: fc.constantFrom('title', 'body', 'both') }), { minLength: 1, maxLength: 3, selector: (e) => e.index })

function feedWith(changed: { index: number; field: string }[]): string {
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const edit = changed.find((e) => e.index === i)
    const title = edit && edit.field !== 'body' ? `Story number ${i} now with a corrected headline` : undefined
    const body = edit && edit.field !== 'title' ? `Body of story ${i}, rewritten after a complaint from the council.` : undefined
    return plainItem(i, title, body)
  })
  return rss(items.join(''))
}

/** What one run leaves behind: the alerts (without ids' creation order) and every article's version count. */
async function outcome(): Promise<{ alerts: string[]; alertIds: string[]; versions: Record<string, number> }> {
  const alerts = (await json<{ items: AlertItem[] }>(await api('/api/alerts?limit=100'))).items
  const articles = (await json<{ items: ArticleSummary[] }>(await api('/api/articles?limit=100'))).items
  return {
    alerts: alerts.map((a) => `${a.type}:${a.articleId}:${(a.changes ?? []).map((c) => c.field).join(',')}`).sort(),
    alertIds: alerts.map((a) => a.id),
    versions: Object.fromEntries(articles.map((a) => [a.id, a.versionCount])),
  }
}

const network = freshWorldEachTest({ quietLogs: true })
let body: string
beforeEach(() => {
  network.serve(FEED_URL, feedResponder(() => body))
})

/** Resets KV, stores the original feed with a first tick, switches to the edited feed, then runs `retry`. */
async function run(changed: { index: number; field: string }[], retry: () => Promise<unknown>): Promise<Awaited<ReturnType<typeof outcome>>> {
  await reset()
  body = feedWith([])
  await addFeed(FEED_URL)
  await tick(T0)
  body = feedWith(changed)
  await retry()
  return outcome()
}

describe('alert idempotency under retries (property)', () => {
  it('raises the alerts of one run when the same tick runs twice in a row', async () => {
    await fc.assert(
      fc.asyncProperty(edits, async (changed) => {
        const once = await run(changed, () => tick(T1))
        expect(once.alerts).toHaveLength(changed.length)
        const twice = await run(changed, async () => {
          await tick(T1)
          await tick(T1)
        })
        expect(twice.alerts).toEqual(once.alerts)
        expect(new Set(twice.alertIds).size).toBe(twice.alertIds.length)
        expect(twice.versions).toEqual(once.versions)
      }),
      { numRuns: 8 },
    )
  }, 30_000)

  it('raises the alerts of one run when the same tick runs twice at once (a cron retried while still running)', async () => {
    await fc.assert(
      fc.asyncProperty(edits, async (changed) => {
        const once = await run(changed, () => tick(T1))
        const concurrent = await run(changed, () => Promise.all([tick(T1), tick(T1)]))
        expect(concurrent.alerts).toEqual(once.alerts)
        expect(new Set(concurrent.alertIds).size).toBe(concurrent.alertIds.length)
        expect(concurrent.versions).toEqual(once.versions)
      }),
      { numRuns: 8 },
    )
  }, 30_000)

  it('raises the alerts of one run when two ticks at different scheduled times interleave on the same edited feed', async () => {
    await fc.assert(
      fc.asyncProperty(edits, async (changed) => {
        const once = await run(changed, () => tick(T1))
        const interleaved = await run(changed, () => Promise.all([tick(T1), tick(T2)]))
        expect(interleaved.alerts).toEqual(once.alerts)
        expect(new Set(interleaved.alertIds).size).toBe(interleaved.alertIds.length)
        expect(interleaved.versions).toEqual(once.versions)
      }),
      { numRuns: 8 },
    )
  }, 30_000)
})
