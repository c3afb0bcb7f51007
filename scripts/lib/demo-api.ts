// The delivery side of the Storywatch API the demo drives: webhooks, digests, the Atom alert feed, follow-up fields.
import { ApiError, type AlertDto } from './storywatch-api.ts'

/** One outlet grouped into a follow-up's development (`alsoReportedBy`). */
export interface ReportedByDto {
  articleId: string
  feedId: string
  title: string
  url: string
  firstSeenAt: string
}

/** An item of GET /api/alerts with the fields a `follow_up` alert adds. */
export interface DemoAlertDto extends AlertDto {
  feedId?: string
  storyId?: string
  storyTitle?: string
  score?: number
  explanation?: { terms: string[]; entities: string[]; phrases: string[] }
  clusterId?: string
  alsoReportedBy?: ReportedByDto[]
}

/** 201 body of POST /api/webhooks: the endpoint and its signing secret (shown only here). */
export interface CreatedWebhookDto {
  id: string
  url: string
  format: string
  secret: string
}

/** 201 body of POST /api/digests (the demo reads only these). */
export interface DigestDto {
  id: string
  email: string
  schedule: string
  nextDigestAt: string
}

/** GET /api/digests/:id/preview. */
export interface DigestPreviewDto {
  id: string
  subject: string
  text: string
  html: string
}

/** An item of GET /api/webhooks/:id/deliveries. */
export interface DeliveryDto {
  id: string
  alertId: string
  type: string
  status: 'pending' | 'delivered' | 'failed'
  nextAttemptAt: string | null
  failureReason: string | null
  attempts: { at: string; statusCode: number | null; latencyMs: number | null; error: string | null }[]
}

/** Calls the delivery routes with a bearer token; every method throws `ApiError` on an unexpected status or shape. */
export class DeliveryApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  /** POST /api/webhooks; expects 201 with an id and a `whsec_` secret. */
  async createWebhook(body: { url: string; format: 'standard' | 'slack'; types?: string[] }): Promise<CreatedWebhookDto> {
    const created = (await this.json('POST', '/api/webhooks', 201, body)) as Partial<CreatedWebhookDto>
    if (typeof created.id !== 'string' || typeof created.secret !== 'string' || !created.secret.startsWith('whsec_')) {
      throw new ApiError('POST /api/webhooks', 201, JSON.stringify({ ...created, secret: created.secret ? '…' : created.secret }), 'a body with "id" and a "whsec_" secret')
    }
    return created as CreatedWebhookDto
  }

  /** POST /api/digests; expects 201. */
  async createDigest(body: { email: string; schedule: 'hourly' | 'daily'; hourUtc?: number }): Promise<DigestDto> {
    const created = (await this.json('POST', '/api/digests', 201, body)) as Partial<DigestDto>
    if (typeof created.id !== 'string') throw new ApiError('POST /api/digests', 201, JSON.stringify(created), 'a body with "id"')
    return created as DigestDto
  }

  /** GET /api/digests/:id/preview; null when nothing is pending (`404 digest_empty`). */
  async digestPreview(id: string): Promise<DigestPreviewDto | null> {
    try {
      const preview = (await this.json('GET', `/api/digests/${encodeURIComponent(id)}/preview`, 200)) as Partial<DigestPreviewDto>
      if (typeof preview.subject !== 'string' || typeof preview.text !== 'string') {
        throw new ApiError(`GET /api/digests/${id}/preview`, 200, JSON.stringify(preview), '{ subject, text, html }')
      }
      return preview as DigestPreviewDto
    } catch (error) {
      if (error instanceof ApiError && error.status === 404 && error.body.includes('digest_empty')) return null
      throw error
    }
  }

  /** GET /api/webhooks/:id/deliveries (newest first; the demo's handful fit one page). */
  async deliveries(webhookId: string): Promise<DeliveryDto[]> {
    const path = `/api/webhooks/${encodeURIComponent(webhookId)}/deliveries?limit=100`
    const body = (await this.json('GET', path, 200)) as { items?: unknown }
    if (!Array.isArray(body.items)) throw new ApiError(`GET ${path}`, 200, JSON.stringify(body), '{ items: [...] }')
    return body.items as DeliveryDto[]
  }

  /** GET /alerts.atom?token=…: the raw XML, fetched the way a feed reader does (token in the query, no header). */
  async alertsAtom(): Promise<string> {
    const url = new URL('/alerts.atom', this.baseUrl)
    url.searchParams.set('token', this.token)
    const response = await this.send('GET /alerts.atom?token=…', url, { method: 'GET', headers: { accept: 'application/atom+xml' } })
    const text = await response.text()
    if (response.status !== 200) throw new ApiError('GET /alerts.atom?token=…', response.status, text, '200')
    return text
  }

  private async json(method: string, path: string, expected: number, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const label = `${method} ${path}`
    const response = await this.send(label, new URL(path, this.baseUrl), { method, headers, body: body === undefined ? null : JSON.stringify(body) })
    const text = await response.text()
    if (response.status !== expected) throw new ApiError(label, response.status, text, String(expected))
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new ApiError(label, response.status, text, 'a JSON body')
    }
  }

  private async send(label: string, url: URL, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchFn(url, { ...init, signal: AbortSignal.timeout(30_000) })
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code
      throw new Error(`api: ${label} failed: ${cause ?? (error as Error).message}`)
    }
  }
}
