// The guarded fetch's body: chunks joined in order, a one-chunk body returned as read, empty chunks harmless.
import { describe, expect, it } from 'vitest'
import { guardedFetch, type GuardedFetchOptions } from '../../src/net/guarded-fetch'

const OPTIONS: GuardedFetchOptions = { headers: {}, timeoutMs: 2_000, maxBytes: 1_000, maxRedirects: 0, allowLoopback: false }
const encoder = new TextEncoder()

/** A fetch answering 200 with a body streamed in exactly these chunks. */
function chunkedFetch(chunks: readonly string[]): typeof fetch {
  return (async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
          controller.close()
        },
      }),
    )) as typeof fetch
}

describe('guardedFetch body', () => {
  it.each([
    ['one chunk', ['<rss>one chunk</rss>']],
    ['several chunks', ['<rss>', 'several ', 'chunks', '</rss>']],
    ['chunks with empty ones between', ['', '<rss>', '', 'x</rss>', '']],
    ['multi-byte characters split across chunks', ['<title>caf\u00e9 ', '\u2014 na\u00efve</title>']],
  ])('gives the bytes of %s, in order', async (_name, chunks) => {
    const outcome = await guardedFetch(chunkedFetch(chunks), 'https://news.example.com/rss', OPTIONS)
    expect(outcome.kind).toBe('ok')
    if (outcome.kind !== 'ok') return
    expect(outcome.body).toEqual(encoder.encode(chunks.join('')))
    expect(new TextDecoder().decode(outcome.body)).toBe(chunks.join(''))
  })

  it('gives an empty body for a stream without chunks', async () => {
    const outcome = await guardedFetch(chunkedFetch([]), 'https://news.example.com/rss', OPTIONS)
    expect(outcome).toMatchObject({ kind: 'ok' })
    if (outcome.kind === 'ok') expect(outcome.body.byteLength).toBe(0)
  })
})
