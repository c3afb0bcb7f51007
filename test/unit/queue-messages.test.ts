// The feed queue's wire format: validation of every kind, the first release's messages, and batching within Queues limits.
import { describe, expect, it } from 'vitest'
import { FEEDS_PER_MESSAGE, PAGES_PER_MESSAGE, feedMessages, pageMessages, parseMessage, retryDelaySeconds, sendMessages, type FeedQueueMessage } from '../../src/pipeline/queue-messages'

const TICK = Date.UTC(2030, 0, 7, 9, 0, 0)
const PAGE = { articleId: '5d0c2f9e41aa7b3c8d10', url: 'https://news.example.com/a/1', feedId: '3f9a1c0b7d2e', firstSeenAt: '2030-01-07T08:00:00.000Z' }

describe('parseMessage', () => {
  it.each([
    { name: 'a feeds message', body: { v: 2, kind: 'feeds', feedIds: ['a', 'b'], tick: TICK }, kind: 'feeds' },
    { name: 'a pages message', body: { v: 2, kind: 'pages', pages: [PAGE], tick: TICK }, kind: 'pages' },
    { name: 'a digest message', body: { v: 2, kind: 'digest', subscriptionId: 'ds_3f9a1c0b7d2e4f60', tick: TICK }, kind: 'digest' },
    { name: 'a single-feed message of the first release', body: { feedId: 'a', tick: TICK }, kind: 'feeds' },
    { name: 'a string', body: 'feeds please', kind: 'malformed' },
    { name: 'null', body: null, kind: 'malformed' },
    { name: 'a message without a tick', body: { v: 2, kind: 'feeds', feedIds: ['a'] }, kind: 'malformed' },
    { name: 'a feed id that is not a string', body: { v: 2, kind: 'feeds', feedIds: ['a', 7], tick: TICK }, kind: 'malformed' },
    { name: 'a page without firstSeenAt', body: { v: 2, kind: 'pages', pages: [{ ...PAGE, firstSeenAt: 'yesterday' }], tick: TICK }, kind: 'malformed' },
    { name: 'a digest without a subscription', body: { v: 2, kind: 'digest', tick: TICK }, kind: 'malformed' },
    { name: 'an unknown kind', body: { v: 2, kind: 'gossip', tick: TICK }, kind: 'malformed' },
    { name: 'a future version', body: { v: 3, kind: 'feeds', feedIds: ['a'], tick: TICK }, kind: 'malformed' },
  ])('reads $name as $kind', ({ body, kind }) => {
    expect(parseMessage(body).kind).toBe(kind)
  })

  it('turns a single-feed message into a feeds message of one feed for the same tick', () => {
    expect(parseMessage({ feedId: 'a', tick: TICK })).toEqual({ v: 2, kind: 'feeds', feedIds: ['a'], tick: TICK })
  })
})

describe('building messages', () => {
  it('cuts due feeds into messages of 25, a host\'s feeds together, the same messages for the same input', () => {
    const feeds = Array.from({ length: 60 }, (_, i) => ({ id: `f${String(i).padStart(3, '0')}`, url: `https://host${i % 3}.example.com/${i}.xml` }))
    const messages = feedMessages(feeds, TICK)
    expect(messages.map((m) => m.feedIds.length)).toEqual([FEEDS_PER_MESSAGE, FEEDS_PER_MESSAGE, 10])
    expect(messages.flatMap((m) => m.feedIds).sort()).toEqual(feeds.map((f) => f.id).sort())
    // host0's twenty feeds all travel in the first message
    expect(messages[0]?.feedIds.slice(0, 20)).toEqual(feeds.filter((_, i) => i % 3 === 0).map((f) => f.id))
    expect(feedMessages([...feeds].reverse(), TICK)).toEqual(messages)
  })

  it('cuts due pages into messages of 20', () => {
    const pages = Array.from({ length: 41 }, (_, i) => ({ ...PAGE, articleId: `a${i}` }))
    expect(pageMessages(pages, TICK).map((m) => m.pages.length)).toEqual([PAGES_PER_MESSAGE, PAGES_PER_MESSAGE, 1])
  })

  it.each([
    { attempts: 1, delay: 30 },
    { attempts: 2, delay: 120 },
    { attempts: 5, delay: 3600 },
    { attempts: 40, delay: 3600 },
  ])('retries attempt $attempts after $delay s', ({ attempts, delay }) => {
    expect(retryDelaySeconds(attempts)).toBe(delay)
  })
})

describe('sendMessages', () => {
  function recorder(): { calls: FeedQueueMessage[][]; queue: Queue<FeedQueueMessage> } {
    const calls: FeedQueueMessage[][] = []
    const queue = {
      send: async () => undefined,
      sendBatch: async (batch: Iterable<MessageSendRequest<FeedQueueMessage>>) => void calls.push([...batch].map((m) => m.body)),
    } as unknown as Queue<FeedQueueMessage>
    return { calls, queue }
  }

  it('sends at most 100 messages per sendBatch call (the Queues limit)', async () => {
    const { calls, queue } = recorder()
    const messages = feedMessages(Array.from({ length: 2600 }, (_, i) => ({ id: `f${i}`, url: `https://h${i}.example.com/rss` })), TICK)
    expect(await sendMessages(queue, messages)).toBe(104)
    expect(calls.map((c) => c.length)).toEqual([100, 4])
    expect(calls.flat()).toEqual(messages)
  })

  it('keeps each sendBatch call under the 256 KB limit however large the messages', async () => {
    const { calls, queue } = recorder()
    const longUrl = `https://news.example.com/${'x'.repeat(1900)}`
    const pages = Array.from({ length: 400 }, (_, i) => ({ ...PAGE, articleId: `a${i}`, url: longUrl }))
    const messages = pageMessages(pages, TICK)
    await sendMessages(queue, messages)
    expect(calls.length).toBeGreaterThan(1)
    for (const call of calls) expect(new TextEncoder().encode(JSON.stringify(call)).byteLength).toBeLessThan(256_000 - 100 * call.length)
    expect(calls.flat()).toEqual(messages)
  })

  it('sends nothing for nothing', async () => {
    const { calls, queue } = recorder()
    expect(await sendMessages(queue, [])).toBe(0)
    expect(calls).toEqual([])
  })
})
