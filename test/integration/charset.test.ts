// Single-byte feeds come out of the whole pipeline as the right characters, never U+FFFD.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { reset } from 'cloudflare:test'
import { addFeed, api, json, tick } from '../support/worker'
import { FakeNetwork, feedResponder } from '../support/fake-network'
import windows1252 from '../../fixtures/feeds/rss2-windows-1252.xml?url&inline'
import windows1251 from '../../fixtures/feeds/rss2-windows-1251.xml?url&inline'
import iso88591 from '../../fixtures/feeds/rss2-iso-8859-1.xml?url&inline'

const FEED = 'https://news.example.com/feed.xml'

async function bytes(dataUrl: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(dataUrl)).arrayBuffer())
}

/** The same bytes with the XML declaration claiming another encoding (the declaration is ASCII, so bytes map 1:1). */
function redeclare(body: Uint8Array, encoding: string): Uint8Array {
  const latin1 = Array.from(body, (b) => String.fromCharCode(b)).join('')
  const swapped = latin1.replace(/encoding="[^"]*"/, `encoding="${encoding}"`)
  if (swapped === latin1) throw new Error('fixture has no encoding declaration')
  return Uint8Array.from(swapped, (c) => c.charCodeAt(0))
}

beforeEach(async () => {
  await reset()
})
afterEach(() => {
  vi.restoreAllMocks()
})

describe('feeds in single-byte encodings', () => {
  it.each([
    ['windows-1252 declared in the XML declaration only', windows1252, null, 'application/rss+xml', /Café chain’s profits fall to £4\.2m after “difficult” winter/],
    ['windows-1252 in Content-Type over a declaration claiming UTF-8', windows1252, 'utf-8', 'application/rss+xml; charset=windows-1252', /“difficult”/],
    ['windows-1251 declared in the XML declaration', windows1251, null, 'text/xml', /[А-Яа-яЁё]{3,}/],
    ['windows-1251 in Content-Type over a declaration claiming UTF-8', windows1251, 'utf-8', 'text/xml; charset=windows-1251', /[А-Яа-яЁё]{3,}/],
    ['ISO-8859-1 in Content-Type over a declaration claiming UTF-8', iso88591, 'utf-8', 'application/xml; charset=ISO-8859-1', /[éèàçü£]/],
  ])('decodes %s into correct text', async (_name, fixture, declared, contentType, expected) => {
    const raw = await bytes(fixture)
    const body = declared === null ? raw : redeclare(raw, declared)
    new FakeNetwork().serve(FEED, feedResponder(() => body, { contentType })).install()
    await addFeed(FEED)
    await tick(Date.UTC(2026, 10, 2, 9, 0))
    const items = (await json<{ items: { title: string }[] }>(await api('/api/articles?limit=100'))).items
    expect(items.length).toBeGreaterThan(0)
    const titles = items.map((i) => i.title).join('\n')
    expect(titles).not.toContain('\uFFFD')
    expect(titles).toMatch(expected)
  })
})
