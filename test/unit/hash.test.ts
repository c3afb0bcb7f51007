// sha256HexSync (node:crypto) must give the very hashes WebCrypto gave: ids and stored hashes were made with WebCrypto.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { sha256Hex, sha256HexSync, toHex } from '../../src/core/hash'

async function webCryptoHex(input: string | Uint8Array): Promise<string> {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))
}

describe('sha256HexSync', () => {
  it.each([
    ['the empty string', ''],
    ['ASCII', 'feed:https://news.example.com/rss.xml'],
    ['accents and typography', 'Café “quoted” – dash…'],
    ['an astral character', 'emoji \uD83D\uDE00 here'],
    ['a lone high surrogate (encoded as U+FFFD, as TextEncoder does)', 'broken \uD800 pair'],
    ['a lone low surrogate', '\uDC00 at the start'],
    ['the field separator', 'title\u0000summary\u0000content'],
  ])('gives the WebCrypto hash of %s', async (_name, text) => {
    expect(sha256HexSync(text)).toBe(await webCryptoHex(text))
  })

  it('gives the WebCrypto hash of bytes', async () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) & 0xff)
    expect(sha256HexSync(bytes)).toBe(await webCryptoHex(bytes))
  })

  it('gives the WebCrypto hash of arbitrary strings (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 200 }), async (text) => {
        expect(sha256HexSync(text)).toBe(await webCryptoHex(text))
      }),
      { numRuns: 300 },
    )
  })

  it('is what the async sha256Hex resolves to', async () => {
    expect(await sha256Hex('same')).toBe(sha256HexSync('same'))
  })
})
