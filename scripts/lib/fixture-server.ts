// A loopback HTTP server that serves the demo feeds of the current stage, with ETag / If-None-Match.
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the server answered (the demo prints them so conditional GET is visible). */
export interface FixtureRequest {
  method: string
  path: string
  status: number
  /** True when the client sent If-None-Match. */
  conditional: boolean
}

/** A rendered feed body and its validator. */
export interface ServedFeed {
  body: string
  etag: string
  contentType: string
}

/** The running server: switch stages, read the request log, close. */
export interface FixtureServer {
  baseUrl: string
  setStage(stage: number): void
  /** Returns the requests answered since the last call, and forgets them. */
  takeRequests(): FixtureRequest[]
  close(): Promise<void>
}

/** A strong entity tag over the body bytes: the same body always gets the same tag. */
export function entityTag(body: string): string {
  return `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`
}

/**
 * Whether an If-None-Match header matches `etag`. RFC 9110 section 13.1.2: `*` matches any
 * current representation, and the comparison is weak, so `W/"x"` matches `"x"`.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  if (header.trim() === '*') return true
  const opaque = (tag: string): string => tag.trim().replace(/^W\//, '')
  return header.split(',').some((tag) => opaque(tag) === opaque(etag))
}

/** Builds a served feed from rendered XML: the media type follows the root element. */
export function serveFeed(body: string): ServedFeed {
  const atom = /<feed[\s>]/.test(body)
  return {
    body,
    etag: entityTag(body),
    contentType: `${atom ? 'application/atom+xml' : 'application/rss+xml'}; charset=utf-8`,
  }
}

/**
 * Listens on 127.0.0.1 (a free port) and serves `/<file>` from the current stage.
 * `render(stage, baseUrl)` is called once per stage, when the server first switches to it.
 */
export async function startFixtureServer(
  stageCount: number,
  render: (stage: number, baseUrl: string) => Map<string, string>,
): Promise<FixtureServer> {
  let stage = 1
  let requests: FixtureRequest[] = []
  const rendered = new Map<number, Map<string, ServedFeed>>()

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://fixture.invalid').pathname
    const conditional = request.headers['if-none-match'] !== undefined
    const reply = (status: number, headers: Record<string, string>, body?: string): void => {
      requests.push({ method: request.method ?? 'GET', path, status, conditional })
      response.writeHead(status, headers)
      response.end(request.method === 'HEAD' ? undefined : body)
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply(405, { allow: 'GET, HEAD' })
      return
    }
    const feed = feedsFor(stage).get(path.slice(1))
    if (!feed) {
      reply(404, { 'content-type': 'text/plain; charset=utf-8' }, 'no such demo feed\n')
      return
    }
    // Validators go on the 304 as well (RFC 9110 section 15.4.5), so the client can keep them.
    const validators = { etag: feed.etag, 'cache-control': 'no-cache' }
    if (ifNoneMatchHits(request.headers['if-none-match'], feed.etag)) {
      reply(304, validators)
      return
    }
    reply(200, { ...validators, 'content-type': feed.contentType }, feed.body)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  const baseUrl = `http://127.0.0.1:${port}`

  function feedsFor(n: number): Map<string, ServedFeed> {
    let feeds = rendered.get(n)
    if (!feeds) {
      feeds = new Map([...render(n, baseUrl)].map(([file, body]) => [file, serveFeed(body)]))
      rendered.set(n, feeds)
    }
    return feeds
  }

  return {
    baseUrl,
    setStage(next) {
      if (!Number.isInteger(next) || next < 1 || next > stageCount) throw new Error(`fixture-server: no stage ${next}`)
      feedsFor(next)
      stage = next
    },
    takeRequests() {
      const taken = requests
      requests = []
      return taken
    },
    close() {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
