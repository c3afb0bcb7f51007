// Tests for the demo's fixture feed server: staging, ETag and If-None-Match.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { entityTag, ifNoneMatchHits, serveFeed, startFixtureServer } from '../lib/fixture-server.ts'

describe('ifNoneMatchHits (RFC 9110 section 13.1.2)', () => {
  const etag = '"abc"'
  const cases: [string, string | undefined, boolean][] = [
    ['no header', undefined, false],
    ['the same tag', '"abc"', true],
    ['a weak form of the tag (weak comparison)', 'W/"abc"', true],
    ['the tag in a list', '"x", "abc"', true],
    ['a different tag', '"abd"', false],
    ['the wildcard', '*', true],
  ]
  for (const [name, header, expected] of cases) it(`${expected ? 'matches' : 'does not match'} ${name}`, () => assert.equal(ifNoneMatchHits(header, etag), expected))
})

describe('serveFeed', () => {
  it('labels Atom and RSS by their root element', () => {
    assert.match(serveFeed('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>').contentType, /^application\/atom\+xml/)
    assert.match(serveFeed('<rss version="2.0"><channel/></rss>').contentType, /^application\/rss\+xml/)
  })

  it('gives equal bodies equal tags and different bodies different tags', () => {
    assert.equal(entityTag('a'), entityTag('a'))
    assert.notEqual(entityTag('a'), entityTag('b'))
  })
})

describe('startFixtureServer', () => {
  it('answers 304 to a matching If-None-Match until the stage changes the body', async () => {
    const stages = [new Map([['a.xml', '<rss>one</rss>'], ['b.xml', '<feed>same</feed>']]), new Map([['a.xml', '<rss>two {{x}}</rss>'], ['b.xml', '<feed>same</feed>']])]
    const server = await startFixtureServer(2, (stage, baseUrl) => new Map([...(stages[stage - 1] ?? [])].map(([k, v]) => [k, v.replace('{{x}}', baseUrl)])))
    try {
      const first = await fetch(`${server.baseUrl}/a.xml`)
      const etag = first.headers.get('etag') ?? ''
      assert.equal(first.status, 200)
      assert.equal(await first.text(), '<rss>one</rss>')

      const again = await fetch(`${server.baseUrl}/a.xml`, { headers: { 'if-none-match': etag } })
      assert.equal(again.status, 304)
      assert.equal(again.headers.get('etag'), etag)

      const bTag = (await fetch(`${server.baseUrl}/b.xml`)).headers.get('etag') ?? ''
      server.setStage(2)
      const changed = await fetch(`${server.baseUrl}/a.xml`, { headers: { 'if-none-match': etag } })
      assert.equal(changed.status, 200)
      assert.equal(await changed.text(), `<rss>two ${server.baseUrl}</rss>`)
      assert.equal((await fetch(`${server.baseUrl}/b.xml`, { headers: { 'if-none-match': bTag } })).status, 304)

      assert.equal((await fetch(`${server.baseUrl}/missing.xml`)).status, 404)
      assert.equal((await fetch(`${server.baseUrl}/a.xml`, { method: 'POST' })).status, 405)
      assert.deepEqual(
        server.takeRequests().map((r) => `${r.path} ${r.status}${r.conditional ? ' c' : ''}`),
        ['/a.xml 200', '/a.xml 304 c', '/b.xml 200', '/a.xml 200 c', '/b.xml 304 c', '/missing.xml 404', '/a.xml 405'],
      )
      assert.deepEqual(server.takeRequests(), [])
      assert.throws(() => server.setStage(3), /no stage 3/)
    } finally {
      await server.close()
    }
  })
})
