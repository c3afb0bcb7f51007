// Hostile transport through the real scheduled handler: a gzip bomb and Content-Length lies stop at the feed byte cap.
import { describe, expect, it } from 'vitest'
import { addFeed, api, json, tick } from '../support/worker'
import { freshWorldEachTest, type Responder } from '../support/fake-network'
import { FEED_URL, gzip, plainItem, repeatedBody, rss } from '../support/hostile-feeds'

const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)
/** Feed byte cap (src/config/settings.ts MAX_FEED_BYTES). */
const MAX_FEED_BYTES = 5 * 1024 * 1024
const MB = 1024 * 1024

interface FeedItem {
  id: string
  status: { lastError: { code: string; message: string } | null }
}

const network = freshWorldEachTest({ quietLogs: true })

/** Polls a feed answered by `responder` once and returns its recorded error and the articles stored. */
async function pollOnce(responder: Responder): Promise<{ error: FeedItem['status']['lastError']; articles: number }> {
  network.serve(FEED_URL, responder)
  const id = await addFeed(FEED_URL)
  await tick(T0)
  const feed = (await json<{ items: FeedItem[] }>(await api('/api/feeds'))).items.find((f) => f.id === id)
  const articles = (await json<{ items: unknown[] }>(await api('/api/articles?limit=100'))).items.length
  return { error: feed?.status.lastError ?? null, articles }
}

/** Counts the bytes a reader pulls through a stream. */
function counted(stream: ReadableStream<Uint8Array>): { stream: ReadableStream<Uint8Array>; count: () => number } {
  let n = 0
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      n += chunk.byteLength
      controller.enqueue(chunk)
    },
  })
  return { stream: stream.pipeThrough(counter), count: () => n }
}

describe('a gzip bomb', () => {
  it('stops at the byte cap on the decompressed body and records too_large', async () => {
    // 50 MB of feed text gzips to about 50 KB. workerd's fetch() inflates a Content-Encoding: gzip body on the fly
    // (checked against a real local server: a 51,064-byte response read as more than 6 MB, with the compressed
    // Content-Length header kept), so the fake does what workerd does and the guard sees the inflated stream.
    const bomb = await gzip(repeatedBody('<?xml version="1.0"?><rss version="2.0"><channel><title>', 'A', 50 * MB, '</title></channel></rss>').stream)
    expect(bomb.byteLength).toBeLessThan(MB)
    let inflated: { count: () => number } | null = null
    const { error, articles } = await pollOnce(() => {
      const body = counted(new Response(bomb).body!.pipeThrough(new DecompressionStream('gzip')))
      inflated = body
      return new Response(body.stream, { headers: { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip', 'content-length': String(bomb.byteLength) } })
    })
    expect(error?.code).toBe('too_large')
    expect(articles).toBe(0)
    // Inflation stopped soon after the cap: the other 45 MB were never produced.
    expect((inflated as { count: () => number } | null)?.count()).toBeLessThan(MAX_FEED_BYTES + 2 * MB)
  })

  it('records the compressed bytes of a body a server gzipped twice as not well-formed, not as a crash', async () => {
    const twice = await gzip(new Response(await gzip(new Response(rss(plainItem(1))).body!)).body!)
    const { error, articles } = await pollOnce(() => new Response(twice, { headers: { 'content-type': 'application/rss+xml' } }))
    expect(error?.code).toBe('malformed_xml')
    expect(articles).toBe(0)
  })
})

describe('Content-Length lies', () => {
  it('counts the bytes that arrive when Content-Length says 10 and the body is 10 MB: too_large at the cap', async () => {
    const body = repeatedBody('<?xml version="1.0"?><rss version="2.0"><channel><title>', 'A', 10 * MB, '</title></channel></rss>')
    const { error, articles } = await pollOnce(() => new Response(body.stream, { headers: { 'content-type': 'application/rss+xml', 'content-length': '10' } }))
    expect(error?.code).toBe('too_large')
    expect(articles).toBe(0)
    expect(body.sent()).toBeLessThan(MAX_FEED_BYTES + MB)
  })

  it('refuses without reading when Content-Length says 10 MB, whatever the body then holds (10 bytes)', async () => {
    let pulled = false
    const tiny = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled = true
        controller.enqueue(new TextEncoder().encode('<rss></rss>'.slice(0, 10)))
        controller.close()
      },
    }, { highWaterMark: 0 })
    const { error } = await pollOnce(() => new Response(tiny, { headers: { 'content-type': 'application/rss+xml', 'content-length': String(10 * MB) } }))
    expect(error?.code).toBe('too_large')
    expect(pulled).toBe(false)
  })

  it('reads a short body whose Content-Length claims more (under the cap) and judges the bytes that came', async () => {
    const { error, articles } = await pollOnce(() => new Response(rss(plainItem(1)), { headers: { 'content-type': 'application/rss+xml', 'content-length': String(4 * MB) } }))
    expect(error).toBeNull()
    expect(articles).toBe(1)
  })
})
