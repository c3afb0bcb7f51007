// A small client for the Storywatch HTTP API, typed with the wire format the demo reads.

/** `lastTick` of GET /api/health: counts from the most recent scheduled run. */
export interface TickCountsDto {
  feedsDue?: number
  feedsPolled?: number
  notModified?: number
  unchanged?: number
  updated?: number
  failed?: number
  articlesNew?: number
  articlesRevised?: number
  alertsRaised?: number
  [other: string]: unknown
}

/** GET /api/health. */
export interface HealthDto {
  ok: boolean
  lastTickAt: string | null
  lastTick: TickCountsDto | null
}

/** One word-level diff operation of a changed field. */
export interface DiffOpDto {
  op: 'equal' | 'insert' | 'delete'
  text: string
}

/** One changed field of a revision alert. */
export interface FieldChangeDto {
  field: string
  before: string
  after: string
  ops: DiffOpDto[] | null
  wordsAdded: number
  wordsRemoved: number
}

/** An item of GET /api/alerts. */
export interface AlertDto {
  id: string
  type: string
  createdAt: string
  articleId: string
  title: string
  url: string
  summary: string
  changes?: FieldChangeDto[]
}

/** An item of GET /api/articles. */
export interface ArticleDto {
  id: string
  url: string
  title: string
  feedIds: string[]
  publishedAt: string | null
  firstSeenAt: string
  lastChangedAt: string
  versionCount: number
}

/** 201 body of POST /api/feeds (the demo reads only these). */
export interface FeedDto {
  id: string
  url: string
  title: string | null
}

interface PageDto<T> {
  items: T[]
  nextCursor: string | null
}

/** A non-2xx answer, carrying the request and response so the message can be quoted to the API's owner. */
export class ApiError extends Error {
  constructor(
    readonly request: string,
    readonly status: number,
    readonly body: string,
    expected: string,
  ) {
    super(`api: ${request} → ${status} (expected ${expected}): ${body.slice(0, 500)}`)
  }
}

// Enough for the demo's handful of articles without an unbounded loop if a cursor never ends.
const MAX_PAGES = 20

/** Calls the API with a bearer token; every method throws `ApiError` on an unexpected status or shape. */
export class StorywatchApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  /** POST /api/feeds; expects 201. */
  async createFeed(feed: { url: string; title: string; intervalMinutes: number }): Promise<FeedDto> {
    const body = await this.request('POST', '/api/feeds', 201, feed)
    const created = body as Partial<FeedDto>
    if (typeof created.id !== 'string') throw new ApiError('POST /api/feeds', 201, JSON.stringify(body), 'a body with "id"')
    return created as FeedDto
  }

  /** GET /api/health. */
  async health(): Promise<HealthDto> {
    const body = (await this.request('GET', '/api/health', 200)) as Partial<HealthDto>
    if (typeof body.ok !== 'boolean') throw new ApiError('GET /api/health', 200, JSON.stringify(body), 'a body with "ok"')
    return { ok: body.ok, lastTickAt: body.lastTickAt ?? null, lastTick: body.lastTick ?? null }
  }

  /** Every alert, newest first, following `nextCursor`. */
  alerts(): Promise<AlertDto[]> {
    return this.listAll<AlertDto>('/api/alerts')
  }

  /** Every article, newest first, following `nextCursor`. */
  articles(): Promise<ArticleDto[]> {
    return this.listAll<ArticleDto>('/api/articles')
  }

  private async listAll<T>(path: string): Promise<T[]> {
    const items: T[] = []
    let cursor: string | null = null
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({ limit: '50' })
      if (cursor) query.set('cursor', cursor)
      const body = (await this.request('GET', `${path}?${query}`, 200)) as Partial<PageDto<T>>
      if (!Array.isArray(body.items)) {
        throw new ApiError(`GET ${path}?${query}`, 200, JSON.stringify(body), '{ items: [...], nextCursor }')
      }
      items.push(...body.items)
      cursor = body.nextCursor ?? null
      if (!cursor) break
    }
    return items
  }

  private async request(method: string, path: string, expected: number, json?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' }
    if (json !== undefined) headers['content-type'] = 'application/json'
    const label = `${method} ${path}`
    let response: Response
    try {
      response = await this.fetchFn(new URL(path, this.baseUrl), {
        method,
        headers,
        body: json === undefined ? null : JSON.stringify(json),
        signal: AbortSignal.timeout(30_000),
      })
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code
      throw new Error(`api: ${label} failed: ${cause ?? (error as Error).message}`)
    }
    const text = await response.text()
    if (response.status !== expected) throw new ApiError(label, response.status, text, String(expected))
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new ApiError(label, response.status, text, 'a JSON body')
    }
  }
}
