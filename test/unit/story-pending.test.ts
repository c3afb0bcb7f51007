// The pending list of story tracking: oldest first, each article once, bounded, written only when it changes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { env, reset } from 'cloudflare:test'
import { MAX_PENDING_ARTICLES, PendingStoryStore, withPending, type PendingArticle } from '../../src/stories/pending-store'
import { countingKv } from '../../src/storage/counting-kv'
import { KEYS } from '../../src/storage/keys'

const news = (id: string): PendingArticle => ({ articleId: id, quiet: false })
const quiet = (id: string): PendingArticle => ({ articleId: id, quiet: true })

beforeEach(async () => {
  await reset()
})
afterEach(() => {
  vi.restoreAllMocks()
})

describe('withPending', () => {
  it('appends new articles after the waiting ones and lists an article once, in its first place', () => {
    expect(withPending([news('a'), quiet('b')], [quiet('c'), news('a')]).articles).toEqual([news('a'), quiet('b'), quiet('c')])
  })

  it('keeps an article listed twice as news when either run saw it as news', () => {
    expect(withPending([quiet('a'), news('b')], [news('a'), quiet('b'), quiet('c')]).articles).toEqual([news('a'), news('b'), quiet('c')])
  })

  it('drops the oldest past the bound and counts them', () => {
    const { articles, dropped } = withPending([news('a'), news('b'), news('c')], [news('d'), news('e')], 4)
    expect(articles.map((a) => a.articleId)).toEqual(['b', 'c', 'd', 'e'])
    expect(dropped).toBe(1)
  })
})

describe('PendingStoryStore', () => {
  it('keeps at most 500 articles, logging the oldest it drops', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const store = new PendingStoryStore(env.STORE)
    await store.add(Array.from({ length: MAX_PENDING_ARTICLES }, (_, i) => news(`a${i}`)))
    expect(errors).not.toHaveBeenCalled()
    const left = await store.add([news('late-1'), news('late-2')])
    expect(left).toHaveLength(MAX_PENDING_ARTICLES)
    expect(left[0]?.articleId).toBe('a2')
    expect(left.at(-1)?.articleId).toBe('late-2')
    expect(errors).toHaveBeenCalledTimes(1)
    expect(String(errors.mock.calls[0]?.[0])).toContain('2 oldest')
  })

  it('writes nothing when the articles added are already waiting, and reads nothing when none are removed', async () => {
    await new PendingStoryStore(env.STORE).add([news('a'), quiet('b')])
    const { kv, counts } = countingKv(env.STORE)
    const store = new PendingStoryStore(kv)
    await store.add([news('a'), quiet('b')])
    await store.remove(new Set())
    await store.remove(new Set(['not-waiting']))
    expect(counts.writes + counts.deletes).toBe(0)
    expect(counts.reads).toBe(2)
  })

  it('removes scored articles from the list as it stands, and deletes the key when it empties', async () => {
    const store = new PendingStoryStore(env.STORE)
    await store.add([news('a'), quiet('b')])
    // Another run adds one meanwhile: removing a and b leaves it.
    await store.add([news('c')])
    await store.remove(new Set(['a', 'b']))
    expect(await store.list()).toEqual([news('c')])
    await store.remove(new Set(['c']))
    expect(await env.STORE.get(KEYS.storyPending())).toBeNull()
    expect(await store.list()).toEqual([])
  })
})
