// Deleting a story deletes its match keys too (listing keys and markers), bounded per call, and nobody else's.
import { describe, expect, it } from 'vitest'
import { api, env } from '../support/worker'
import { freshWorldEachTest } from '../support/fake-network'
import { storyRecord } from '../support/story-records'
import { MAX_MATCH_KEY_DELETES, StoryStore, type StoryMatchRecord } from '../../src/stories/story-store'

freshWorldEachTest()

const SEED =
  'Flood defences along the river failed overnight as record rainfall swept the region, the Environment Agency said, ' +
  'and hundreds of homes were evacuated while engineers inspected the breached embankments.'

/** A match of article `n` to `storyId`, matched `n` seconds after a fixed time. */
function match(storyId: string, n: number): StoryMatchRecord {
  const articleId = n.toString(16).padStart(20, '0')
  return {
    storyId,
    articleId,
    title: `Article ${n}`,
    url: `https://news-a.example.com/news/${n}`,
    feedId: 'feed-a',
    publishedAt: null,
    firstSeenAt: '2030-01-07T08:00:00.000Z',
    score: 0.8,
    matchedAt: new Date(Date.UTC(2030, 0, 7, 9) + n * 1000).toISOString(),
    explanation: { terms: ['flood'], entities: [], phrases: [] },
    clusterId: `dev_${n}`,
    via: 'tick',
    relevant: null,
  }
}

/** Every key under `prefix`, however many pages. */
async function keysUnder(prefix: string): Promise<string[]> {
  const names: string[] = []
  let cursor: string | undefined
  do {
    const page = await env.STORE.list({ prefix, ...(cursor ? { cursor } : {}) })
    names.push(...page.keys.map((k) => k.name))
    cursor = page.list_complete ? undefined : page.cursor
  } while (cursor)
  return names
}

/** The story's match keys as docs/storage.md names them: listing keys and markers. */
async function matchKeysOf(storyId: string): Promise<string[]> {
  return [...(await keysUnder(`story-matches:${storyId}:`)), ...(await keysUnder(`story-match-id:${storyId}:`))]
}

describe('DELETE /api/stories/:id', () => {
  it('deletes the story’s match listing keys and markers and leaves another story’s matches, even one whose id it prefixes', async () => {
    const store = new StoryStore(env.STORE)
    // 'flood' is a prefix of 'flood-defences': a sweep by `story-matches:flood` without the colon would take both.
    await store.save([storyRecord('flood', 'Flood', SEED), storyRecord('flood-defences', 'Flood defences', SEED)])
    await store.putSeed('flood', SEED)
    await store.putClusters('flood', [{ clusterId: 'dev_1', signature: 'x', alertId: null, members: [] }])
    for (let n = 1; n <= 12; n++) await store.putMatch(match('flood', n))
    for (let n = 1; n <= 5; n++) await store.putMatch(match('flood-defences', n))
    // A marker whose match key was never written (a crash between the two writes) is the story's key all the same.
    await env.STORE.put('story-match-id:flood:ffffffffffffffffffff', 'story-matches:flood:0000000000000:ffffffffffffffffffff')
    expect(await matchKeysOf('flood')).toHaveLength(25)

    expect((await api('/api/stories/flood', { method: 'DELETE' })).status).toBe(204)

    expect(await matchKeysOf('flood')).toEqual([])
    expect(await env.STORE.get('story-seed:flood')).toBeNull()
    expect(await env.STORE.get('story-clusters:flood')).toBeNull()
    expect(await keysUnder('story-matches:flood-defences:')).toHaveLength(5)
    expect(await keysUnder('story-match-id:flood-defences:')).toHaveLength(5)
    expect(await store.getMatch('flood-defences', match('flood-defences', 3).articleId)).toMatchObject({ title: 'Article 3' })
    expect((await api('/api/stories/flood')).status).toBe(404)
  })
})

describe('DELETE /api/stories/:id of a story with more match keys than one request deletes', { timeout: 60_000 }, () => {
  it('answers 202 with what remains, finishes on a second DELETE with 204, and then answers 404', async () => {
    const store = new StoryStore(env.STORE)
    await store.save([storyRecord('flood', 'Flood', SEED)])
    const matches = Math.ceil(MAX_MATCH_KEY_DELETES / 2) + 40
    for (let n = 1; n <= matches; n++) await store.putMatch(match('flood', n))

    const first = await api('/api/stories/flood', { method: 'DELETE' })
    expect(first.status).toBe(202)
    expect(await first.json()).toEqual({ id: 'flood', deleted: true, matchKeysDeleted: MAX_MATCH_KEY_DELETES, matchKeysRemain: true })
    expect((await api('/api/stories/flood')).status).toBe(404)

    expect((await api('/api/stories/flood', { method: 'DELETE' })).status).toBe(204)
    expect(await matchKeysOf('flood')).toEqual([])
    expect((await api('/api/stories/flood', { method: 'DELETE' })).status).toBe(404)
  })

  it('answers 404 for an id that could never be a story', async () => {
    const res = await api(`/api/stories/${encodeURIComponent('Flood:')}`, { method: 'DELETE' })
    expect(res.status).toBe(404)
  })
})

describe('StoryStore.deleteStory', { timeout: 60_000 }, () => {
  it('deletes at most MAX_MATCH_KEY_DELETES match keys a call, says when some remain, and finishes on the next call', async () => {
    const store = new StoryStore(env.STORE)
    const matches = Math.ceil(MAX_MATCH_KEY_DELETES / 2) + 40
    for (let n = 1; n <= matches; n++) await store.putMatch(match('flood', n))
    await store.putMatch(match('flood-defences', 1))
    expect(await matchKeysOf('flood')).toHaveLength(2 * matches)

    expect(await store.deleteStory('flood')).toEqual({ matchKeysDeleted: MAX_MATCH_KEY_DELETES, matchKeysRemain: true })
    expect(await matchKeysOf('flood')).toHaveLength(2 * matches - MAX_MATCH_KEY_DELETES)

    expect(await store.deleteStory('flood')).toEqual({ matchKeysDeleted: 2 * matches - MAX_MATCH_KEY_DELETES, matchKeysRemain: false })
    expect(await matchKeysOf('flood')).toEqual([])
    expect(await matchKeysOf('flood-defences')).toHaveLength(2)

    expect(await store.deleteStory('flood')).toEqual({ matchKeysDeleted: 0, matchKeysRemain: false })
  })
})
