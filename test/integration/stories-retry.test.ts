// Story tracking that fails is tried again: the articles of a failed run wait in `stories:pending` and the next run
// with something to score scores them (alerting once), through real ticks and queue batches with a fake network.
import { describe, expect, it, vi } from 'vitest'
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import worker from '../../src/index'
import { addFeed, api, env, json, tick } from '../support/worker'
import { feedResponder, freshWorldEachTest } from '../support/fake-network'
import { countingKv } from '../../src/storage/counting-kv'
import { KEYS } from '../../src/storage/keys'
import type { PendingArticle } from '../../src/stories/pending-store'
import { FOLLOW_UP, UNRELATED } from '../support/story-items'

const MIN = 60_000
const DAY = 24 * 60 * MIN
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)
const WITH_STORY = { SEED_DEFAULT_STORY: 'true' }
const STORY = 'grooming-gangs-inquiry'
const FEED = 'https://news-a.example.com/rss.xml'

interface Item {
  slug: string
  title: string
  text: string
}

const WEATHER: Item = {
  slug: 'storm-warning',
  title: 'Amber warning for wind as storm approaches the west coast',
  text: 'The Met Office has issued an amber warning for wind across western Scotland and Northern Ireland, with gusts of up to 80mph expected on Tuesday.',
}
const FOOTBALL: Item = {
  slug: 'cup-draw',
  title: 'Holders drawn away to league leaders in the fourth round of the cup',
  text: 'The holders will travel to the league leaders in the pick of the fourth-round ties, with the matches to be played at the end of the month.',
}

/** An RSS feed of `items`, each published at `publishedAt` (by default an hour before the first tick; null: undated). */
function rss(items: readonly Item[], publishedAt: string | null = 'Mon, 07 Jan 2030 08:00:00 GMT'): string {
  const entries = items
    .map(
      (i) =>
        `<item><title>${i.title}</title><link>https://news-a.example.com/news/${i.slug}</link><guid>https://news-a.example.com/news/${i.slug}</guid>` +
        `<description>${i.text}</description>${publishedAt === null ? '' : `<pubDate>${publishedAt}</pubDate>`}</item>`,
    )
    .join('')
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>News A</title><link>https://news-a.example.com/</link>${entries}</channel></rss>`
}

/** `kv`, except that every read of `key` throws: an outage of that one key, for as long as the binding is used. */
function failingReadsOf(kv: KVNamespace, key: string): KVNamespace {
  return new Proxy(kv, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        if (prop === 'get' && args[0] === key) throw new Error(`injected failure reading ${key}`)
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
}

/** `kv`, except that every delete of `key` throws. */
function failingDeletesOf(kv: KVNamespace, key: string): KVNamespace {
  return new Proxy(kv, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        if (prop === 'delete' && args[0] === key) throw new Error(`injected failure deleting ${key}`)
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
}

interface FollowUpAlert {
  articleId: string
  title: string
}

interface StoriesOfTick {
  scored: number
  matched: number
  alertsRaised: number
  retried: number
  error: string | null
}

async function followUps(): Promise<FollowUpAlert[]> {
  return (await json<{ items: FollowUpAlert[] }>(await api(`/api/alerts?type=follow_up&story=${STORY}`))).items
}

async function matches(): Promise<{ title: string; via: string }[]> {
  return (await json<{ items: { title: string; via: string }[] }>(await api(`/api/stories/${STORY}/matches`))).items
}

async function lastTickStories(): Promise<StoriesOfTick> {
  return (await json<{ lastTick: { stories: StoriesOfTick } }>(await api('/api/health'))).lastTick.stories
}

async function pendingList(): Promise<PendingArticle[] | null> {
  return (await env.STORE.get<{ articles: PendingArticle[] }>(KEYS.storyPending(), 'json'))?.articles ?? null
}

const network = freshWorldEachTest({ quietLogs: true })
let items: Item[]
let publishedAt: string | null | undefined
function serveFeed(): void {
  network.serve(FEED, feedResponder(() => rss(items, publishedAt)))
}

/** The feed's first poll (its back catalogue, quiet) with the story in place, then the follow-up on a tick whose
 * story registry cannot be read. */
async function followUpLostToAFailure(): Promise<void> {
  items = [UNRELATED]
  publishedAt = undefined
  serveFeed()
  await addFeed(FEED)
  await tick(T0, WITH_STORY)
  items = [FOLLOW_UP, UNRELATED]
  vi.spyOn(console, 'error').mockImplementation(() => undefined)
  await tick(T0 + 5 * MIN, { ...WITH_STORY, STORE: failingReadsOf(env.STORE, KEYS.storyRegistry()) })
}

describe('a tick whose story tracking fails', () => {
  it('reports the failure and keeps its new article in the pending list, as news', async () => {
    await followUpLostToAFailure()
    expect((await lastTickStories()).error).toMatch(/story tracking failed.*scored by the next run/)
    expect(await followUps()).toEqual([])
    const pending = await pendingList()
    expect(pending).toHaveLength(1)
    expect(pending?.[0]?.quiet).toBe(false)
  })

  it('has its follow-up scored by the next tick that brings a new article, which raises its alert once and empties the list', async () => {
    await followUpLostToAFailure()
    items = [WEATHER, FOLLOW_UP, UNRELATED]
    await tick(T0 + 10 * MIN, WITH_STORY)
    const alerts = await followUps()
    expect(alerts.map((a) => a.title)).toEqual([FOLLOW_UP.title])
    expect(await lastTickStories()).toMatchObject({ retried: 1, alertsRaised: 1, error: null })
    expect(await pendingList()).toBeNull()
    // Scored once: a later tick with something new neither retries it nor alerts again.
    items = [FOOTBALL, WEATHER, FOLLOW_UP, UNRELATED]
    await tick(T0 + 15 * MIN, WITH_STORY)
    expect(await followUps()).toHaveLength(1)
    expect(await lastTickStories()).toMatchObject({ retried: 0, error: null })
    expect((await matches()).map((m) => m.title)).toEqual([FOLLOW_UP.title])
  })

  it('costs a tick with nothing new no read of the pending list, so the follow-up waits for one that has something', async () => {
    await followUpLostToAFailure()
    const { kv, counts } = countingKv(env.STORE)
    await tick(T0 + 10 * MIN, { ...WITH_STORY, STORE: kv })
    expect(counts.writes).toBe(1)
    expect(counts.reads).toBe(3) // the feed registry, the feed's state and the webhook registry
    expect(await followUps()).toEqual([])
    expect(await pendingList()).toHaveLength(1)
  })

  it('keeps a failed run\'s articles while story tracking keeps failing, each once', async () => {
    await followUpLostToAFailure()
    items = [WEATHER, FOLLOW_UP, UNRELATED]
    await tick(T0 + 10 * MIN, { ...WITH_STORY, STORE: failingReadsOf(env.STORE, KEYS.storyRegistry()) })
    expect((await pendingList())?.map((p) => p.quiet)).toEqual([false, false])
    items = [FOOTBALL, WEATHER, FOLLOW_UP, UNRELATED]
    await tick(T0 + 15 * MIN, WITH_STORY)
    expect((await followUps()).map((a) => a.title)).toEqual([FOLLOW_UP.title])
    expect(await lastTickStories()).toMatchObject({ retried: 2, error: null })
    expect(await pendingList()).toBeNull()
  })

  it('records a failed first poll\'s back catalogue as matches without an alert when it is retried', async () => {
    // Undated items on a feed's first poll: its back catalogue, scored quietly.
    items = [FOLLOW_UP, UNRELATED]
    publishedAt = null
    serveFeed()
    await addFeed(FEED)
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    await tick(T0, { ...WITH_STORY, STORE: failingReadsOf(env.STORE, KEYS.storyRegistry()) })
    expect((await pendingList())?.map((p) => p.quiet)).toEqual([true, true])
    items = [WEATHER, FOLLOW_UP, UNRELATED]
    await tick(T0 + 5 * MIN, WITH_STORY)
    expect(await followUps()).toEqual([])
    expect(await matches()).toEqual([expect.objectContaining({ title: FOLLOW_UP.title, via: 'backfill' })])
    expect(await lastTickStories()).toMatchObject({ retried: 2, error: null })
    expect(await pendingList()).toBeNull()
  })

  it('records a follow-up that waited more than two days as a match, not as news', async () => {
    await followUpLostToAFailure()
    items = [WEATHER, FOLLOW_UP, UNRELATED]
    await tick(T0 + 3 * DAY, WITH_STORY)
    expect(await followUps()).toEqual([])
    expect(await matches()).toEqual([expect.objectContaining({ title: FOLLOW_UP.title, via: 'backfill' })])
    expect(await pendingList()).toBeNull()
  })

  it('scores an article again, without a second alert, when taking it off the list failed, and does not call that a failure', async () => {
    await followUpLostToAFailure()
    items = [WEATHER, FOLLOW_UP, UNRELATED]
    await tick(T0 + 10 * MIN, { ...WITH_STORY, STORE: failingDeletesOf(env.STORE, KEYS.storyPending()) })
    expect(await followUps()).toHaveLength(1)
    expect(await lastTickStories()).toMatchObject({ retried: 1, error: null })
    expect(await pendingList()).toHaveLength(1)
    items = [FOOTBALL, WEATHER, FOLLOW_UP, UNRELATED]
    await tick(T0 + 15 * MIN, WITH_STORY)
    expect(await lastTickStories()).toMatchObject({ retried: 1, alertsRaised: 0, error: null })
    expect(await followUps()).toHaveLength(1)
    expect(await pendingList()).toBeNull()
  })

  it('drops a pending article that is no longer stored, and scores the rest', async () => {
    await followUpLostToAFailure()
    const list = (await pendingList()) ?? []
    await env.STORE.put(KEYS.storyPending(), JSON.stringify({ version: 1, articles: [{ articleId: '0123456789abcdef0123', quiet: false }, ...list] }))
    items = [WEATHER, FOLLOW_UP, UNRELATED]
    await tick(T0 + 10 * MIN, WITH_STORY)
    expect((await followUps()).map((a) => a.title)).toEqual([FOLLOW_UP.title])
    expect(await lastTickStories()).toMatchObject({ retried: 1, error: null })
    expect(await pendingList()).toBeNull()
  })
})

describe('a queue batch whose story tracking fails', () => {
  async function consume(tickMs: number, feedId: string, extra: Partial<Env> = {}): Promise<void> {
    const batch = createMessageBatch('storywatch-feeds', [{ id: `m${tickMs}`, timestamp: new Date(tickMs), attempts: 1, body: { v: 2, kind: 'feeds', feedIds: [feedId], tick: tickMs } }])
    const ctx = createExecutionContext()
    await worker.queue(batch, { ...env, ...WITH_STORY, ...extra } as Env)
    await getQueueResult(batch, ctx)
  }

  it('has its follow-up scored by the next batch that brings a new article, alerting once', async () => {
    items = [UNRELATED]
    serveFeed()
    const feedId = await addFeed(FEED)
    await consume(T0, feedId)
    items = [FOLLOW_UP, UNRELATED]
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    await consume(T0 + 5 * MIN, feedId, { STORE: failingReadsOf(env.STORE, KEYS.storyRegistry()) })
    expect(await followUps()).toEqual([])
    expect(await pendingList()).toHaveLength(1)
    items = [WEATHER, FOLLOW_UP, UNRELATED]
    await consume(T0 + 10 * MIN, feedId)
    expect((await followUps()).map((a) => a.title)).toEqual([FOLLOW_UP.title])
    expect(await pendingList()).toBeNull()
  })
})
