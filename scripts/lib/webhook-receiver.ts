// A loopback webhook receiver for the demo: verifies every request with the reference `standardwebhooks` library.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

/** One request the receiver answered. */
export interface ReceivedWebhook {
  /** `webhook-id`: the sender's idempotency key, the same on every retry of one message. */
  webhookId: string | null
  /** `type` of the JSON body, e.g. `alert.follow_up`; null when the body is not the expected JSON. */
  type: string | null
  /** `data.alertId` of the body, when it has one. */
  alertId: string | null
  /** Whether `Webhook.verify` accepted the signature and timestamp over the exact bytes received. */
  verified: boolean
  /** Why verification failed (the library's message), when it did. */
  error: string | null
  /** The status the receiver answered: 200, 503 (failing on purpose), 401 (not verified), 405, 413. */
  status: number
  receivedAt: Date
}

export interface WebhookReceiverOptions {
  /** Answer this many verified requests with 503 (and `Retry-After`) before accepting, to show a retry. Default 0. */
  failFirst?: number
  /** Seconds sent in `Retry-After` with a deliberate 503. Default 1. */
  retryAfterSeconds?: number
}

/** The running receiver: its URL, the secret to verify with, what it received, close. */
export interface WebhookReceiver {
  url: string
  /** The `whsec_…` secret from `POST /api/webhooks`; until it is set every request is answered 401. */
  setSecret(secret: string): void
  /** Every request so far, in arrival order. */
  received(): ReceivedWebhook[]
  close(): Promise<void>
}

// Storywatch bodies stay under 20 KB; anything far larger is not ours.
const MAX_BODY_BYTES = 256 * 1024

/** The three Standard Webhooks headers as `Webhook.verify` wants them (Node may give repeated headers as arrays). */
function signatureHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const one = (name: string): string => {
    const value = headers[name]
    return Array.isArray(value) ? (value[0] ?? '') : (value ?? '')
  }
  return { 'webhook-id': one('webhook-id'), 'webhook-timestamp': one('webhook-timestamp'), 'webhook-signature': one('webhook-signature') }
}

/** Reads `type` and `data.alertId` from a body, tolerating anything. */
function describeBody(body: string): { type: string | null; alertId: string | null } {
  try {
    const parsed = JSON.parse(body) as { type?: unknown; data?: { alertId?: unknown } }
    return {
      type: typeof parsed.type === 'string' ? parsed.type : null,
      alertId: typeof parsed.data?.alertId === 'string' ? parsed.data.alertId : null,
    }
  } catch {
    return { type: null, alertId: null }
  }
}

/** Listens on 127.0.0.1 (a free port) and answers POSTs to any path. */
export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  let verifier: Webhook | null = null
  let failuresLeft = options.failFirst ?? 0
  const retryAfter = String(options.retryAfterSeconds ?? 1)
  const log: ReceivedWebhook[] = []

  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    const headers = signatureHeaders(request.headers)
    const record = (entry: Omit<ReceivedWebhook, 'webhookId' | 'receivedAt'>, extraHeaders: Record<string, string> = {}): void => {
      log.push({ webhookId: headers['webhook-id'] || null, receivedAt: new Date(), ...entry })
      response.writeHead(entry.status, { 'content-type': 'text/plain; charset=utf-8', ...extraHeaders })
      response.end(entry.status === 200 ? 'ok\n' : `${entry.error ?? 'refused'}\n`)
    }
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) tooLarge = true
      else chunks.push(chunk)
    })
    request.on('end', () => {
      if (request.method !== 'POST') {
        record({ type: null, alertId: null, verified: false, error: `method ${request.method ?? '?'} not allowed`, status: 405 }, { allow: 'POST' })
        return
      }
      if (tooLarge) {
        record({ type: null, alertId: null, verified: false, error: `body over ${MAX_BODY_BYTES} bytes`, status: 413 })
        return
      }
      // Verify the exact bytes received: re-serialised JSON would not match the signature.
      const body = Buffer.concat(chunks).toString('utf8')
      const described = describeBody(body)
      if (!verifier) {
        record({ ...described, verified: false, error: 'no secret set yet', status: 401 })
        return
      }
      try {
        verifier.verify(body, headers)
      } catch (error) {
        record({ ...described, verified: false, error: (error as Error).message, status: 401 })
        return
      }
      if (failuresLeft > 0) {
        failuresLeft--
        record({ ...described, verified: true, error: 'failing on purpose (503) to show a retry', status: 503 }, { 'retry-after': retryAfter })
        return
      }
      record({ ...described, verified: true, error: null, status: 200 })
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}/storywatch`,
    setSecret(secret) {
      verifier = new Webhook(secret)
    },
    received: () => [...log],
    close() {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
