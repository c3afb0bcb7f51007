// Standard Webhooks signing: secrets, and the `webhook-signature` header (one `v1,` signature per active secret).
import { Webhook } from 'standardwebhooks'

/** Standard Webhooks recommends 24 to 64 random bytes; 32 matches an HMAC-SHA256 key. */
const SECRET_BYTES = 32

/** A new `whsec_`-prefixed secret (base64 of random bytes), the format every Standard Webhooks library reads. */
export function generateSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(SECRET_BYTES))
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return `whsec_${btoa(bin)}`
}

/**
 * The `webhook-signature` value for `body` sent as message `msgId` at `timestamp`: `v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">` per secret, space-separated (during a rotation receivers holding either secret verify).
 */
export function signatureHeader(secrets: readonly string[], msgId: string, timestamp: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(msgId, timestamp, body)).join(' ')
}

/** The Standard Webhooks headers of one request; `webhook-timestamp` is unix seconds. */
export function webhookHeaders(secrets: readonly string[], msgId: string, sentAtMs: number, body: string): Record<string, string> {
  const timestamp = new Date(Math.floor(sentAtMs / 1000) * 1000)
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(sentAtMs / 1000)),
    'webhook-signature': signatureHeader(secrets, msgId, timestamp, body),
  }
}
