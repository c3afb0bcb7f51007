// Tests for the demo's API client: status checks, pagination and error messages worth quoting.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { StorywatchApi } from '../lib/storywatch-api.ts'

type Route = (url: URL, init: RequestInit) => Response

function fakeFetch(route: Route, seen: string[] = []): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input))
    seen.push(`${init?.method} ${url.pathname}${url.search} ${new Headers(init?.headers).get('authorization')}`)
    return route(url, init ?? {})
  }
}

describe('StorywatchApi', () => {
  it('registers a feed with the bearer token and expects 201', async () => {
    const seen: string[] = []
    const api = new StorywatchApi('http://w.test', 'tok', fakeFetch(() => Response.json({ id: 'f1', url: 'u', title: 't' }, { status: 201 }), seen))
    assert.equal((await api.createFeed({ url: 'u', title: 't', intervalMinutes: 5 })).id, 'f1')
    assert.deepEqual(seen, ['POST /api/feeds Bearer tok'])
  })

  it('quotes the request, status and body when the answer is not the expected one', async () => {
    const api = new StorywatchApi('http://w.test', 'tok', fakeFetch(() => Response.json({ error: { code: 'invalid_url' } }, { status: 400 })))
    await assert.rejects(api.createFeed({ url: 'u', title: 't', intervalMinutes: 5 }), {
      message: 'api: POST /api/feeds → 400 (expected 201): {"error":{"code":"invalid_url"}}',
    })
  })

  it('follows nextCursor until the last page', async () => {
    const seen: string[] = []
    const api = new StorywatchApi('http://w.test', 'tok', fakeFetch((url) => {
      const cursor = url.searchParams.get('cursor')
      return Response.json(cursor ? { items: [{ id: 'b' }], nextCursor: null } : { items: [{ id: 'a' }], nextCursor: 'c1' })
    }, seen))
    assert.deepEqual((await api.alerts()).map((a) => a.id), ['a', 'b'])
    assert.deepEqual(seen, ['GET /api/alerts?limit=50 Bearer tok', 'GET /api/alerts?limit=50&cursor=c1 Bearer tok'])
  })

  it('rejects a listing without an items array', async () => {
    const api = new StorywatchApi('http://w.test', 'tok', fakeFetch(() => Response.json({ ok: true })))
    await assert.rejects(api.articles(), /GET \/api\/articles\?limit=50 → 200 \(expected \{ items: \[\.\.\.\], nextCursor \}\)/)
  })

  it('names the request when the Worker cannot be reached', async () => {
    const api = new StorywatchApi('http://w.test', 'tok', async () => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })
    })
    await assert.rejects(api.health(), { message: 'api: GET /api/health failed: ECONNREFUSED' })
  })
})
