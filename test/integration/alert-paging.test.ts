// Filtered alert pages are full until the end: the listing reads on past alerts of other types and stories.
import { describe, expect, it } from 'vitest'
import { api, env, json } from '../support/worker'
import { freshWorldEachTest } from '../support/fake-network'
import { followUp, removal, revision } from '../support/alerts'
import { AlertStore, MAX_LIST_CALLS } from '../../src/alerts/alert-store'
import { KEYS } from '../../src/storage/keys'
import type { Alert } from '../../src/model/alert'

freshWorldEachTest()

const STORY = 'flood-defences'
const OTHER_STORY = 'rail-fares'
const T0 = Date.UTC(2030, 0, 7, 9)

interface Page {
  items: { id: string; type: string; storyId?: string | null; createdAt: string }[]
  nextCursor: string | null
}

/** The `i`-th alert time: later `i`, newer alert. */
function at(i: number): string {
  return new Date(T0 + i * 1000).toISOString()
}

/**
 * Stores `total` alerts, one a second: follow-ups on STORY at the positions in `storyAt`, follow-ups on OTHER_STORY at
 * every 7th, revisions and removals in between. Returns STORY's follow-up ids, newest first.
 */
async function seed(total: number, storyAt: readonly number[]): Promise<string[]> {
  const store = new AlertStore(env.STORE)
  const ours: Alert[] = []
  const all: Alert[] = []
  for (let i = 0; i < total; i++) {
    const alert = storyAt.includes(i)
      ? followUp(at(i), { storyId: STORY })
      : i % 7 === 0
        ? followUp(at(i), { storyId: OTHER_STORY })
        : i % 2 === 0
          ? revision(at(i))
          : removal(at(i))
    if (storyAt.includes(i)) ours.push(alert)
    all.push(alert)
  }
  for (let i = 0; i < all.length; i += 100) await Promise.all(all.slice(i, i + 100).map((a) => store.raise(a)))
  return ours.reverse().map((a) => a.id)
}

/** Follows nextCursor from `query` to the end; every page as the API returned it. */
async function allPages(query: string): Promise<Page[]> {
  const pages: Page[] = []
  let cursor: string | null = null
  do {
    const res = await api(`/api/alerts?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    expect(res.status).toBe(200)
    const page = await json<Page>(res)
    pages.push(page)
    cursor = page.nextCursor
    if (pages.length > 50) throw new Error('paging did not end')
  } while (cursor)
  return pages
}

// Seeding hundreds to thousands of alerts takes seconds when the suite runs files side by side.
describe('GET /api/alerts with filters', { timeout: 60_000 }, () => {
  it('pages a story’s follow-ups two at a time across KV list pages: each once, newest first, no empty page, a null cursor at the end', async () => {
    // 1,300 alerts span two KV list pages (1,000 keys each); STORY's five sit in both, two of them side by side.
    const expected = await seed(1300, [3, 640, 641, 990, 1250])

    const pages = await allPages(`type=follow_up&story=${STORY}&limit=2`)

    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1])
    expect(pages.flatMap((p) => p.items.map((a) => a.id))).toEqual(expected)
    expect(pages.flatMap((p) => p.items).every((a) => a.type === 'follow_up' && a.storyId === STORY)).toBe(true)
    expect(pages.at(-1)?.nextCursor).toBeNull()
  })

  it('ends with a null cursor on the page that takes the last match, though other alerts follow it', async () => {
    const expected = await seed(300, [250, 200, 150, 100])

    const pages = await allPages(`story=${STORY}&limit=2`)

    expect(pages.map((p) => p.items.map((a) => a.id))).toEqual([expected.slice(0, 2), expected.slice(2, 4)])
  })

  it('pages every type filter through the whole listing, each alert once, newest first', async () => {
    await seed(150, [10, 20])
    const everything = (await allPages('limit=100')).flatMap((p) => p.items)
    expect(everything).toHaveLength(150)

    for (const type of ['follow_up', 'revision', 'removed']) {
      const pages = await allPages(`type=${type}&limit=7`)
      const ids = pages.flatMap((p) => p.items.map((a) => a.id))
      expect(ids).toEqual(everything.filter((a) => a.type === type).map((a) => a.id))
      expect(pages.slice(0, -1).every((p) => p.items.length === 7)).toBe(true)
      expect(pages.at(-1)?.nextCursor).toBeNull()
    }
  })

  it('stops a filtered listing at `since`: older matches are not listed and the cursor ends there', async () => {
    const expected = await seed(400, [50, 300, 310, 390])

    const pages = await allPages(`story=${STORY}&limit=2&since=${encodeURIComponent(at(100))}`)

    expect(pages.flatMap((p) => p.items.map((a) => a.id))).toEqual(expected.slice(0, 3))
    expect(pages.map((p) => p.items.length)).toEqual([2, 1])
  })

  it('lists an alert written under two listing keys once when a page ends between the two keys', async () => {
    const store = new AlertStore(env.STORE)
    const twin = followUp(at(5), { storyId: STORY })
    const newest = followUp(at(9), { storyId: STORY })
    await store.raise(newest)
    await store.raise(twin)
    for (let i = 10; i < 30; i++) await store.raise(revision(at(i)))
    // The same alert raised again by a racing tick that stamped it a second later: a second listing key, same id.
    await env.STORE.put(`alerts:${String(9_999_999_999_999 - (T0 + 6000)).padStart(13, '0')}:${twin.id}`, JSON.stringify(twin), {
      metadata: { t: 'follow_up', s: STORY },
    })

    const pages = await allPages(`story=${STORY}&limit=2`)

    // The page takes the newest follow-up and the twin's newer key; its older key is the next key of the listing.
    expect(pages.map((p) => p.items.map((a) => a.id))).toEqual([[newest.id, twin.id]])
  })

  it('bounds a filtered page to MAX_LIST_CALLS KV pages: a match beyond them comes on a later page, after an empty one with a cursor', async () => {
    const store = new AlertStore(env.STORE)
    const far = followUp(at(0), { storyId: STORY })
    await store.raise(far)
    // Newer index keys of other alerts than one request lists (only the keys: the listing reads no value it skips).
    const others = MAX_LIST_CALLS * 1000 + 10
    for (let start = 1; start <= others; start += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, others - start + 1) }, (_, j) =>
          env.STORE.put(KEYS.alertIndex(at(start + j), `rev_${String(start + j).padStart(24, '0')}`), '{}', { metadata: { t: 'revision' } }),
        ),
      )
    }

    const pages = await allPages(`story=${STORY}&limit=2`)

    expect(pages.map((p) => p.items.map((a) => a.id))).toEqual([[], [far.id]])
    expect(pages[0]?.nextCursor).not.toBeNull()
  })
})
