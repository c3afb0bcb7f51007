// Tests for the demo's webhook receiver: it verifies with standardwebhooks, fails on purpose, and records everything.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { startWebhookReceiver, type WebhookReceiver } from '../lib/webhook-receiver.ts'

// A fixed test key (base64 of 32 bytes), not a secret of anything.
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`

/** Posts `body` signed by `secret` the way Storywatch does (Standard Webhooks headers). */
async function post(url: string, body: string, options: { id: string; secret?: string; at?: Date; tamper?: boolean }): Promise<Response> {
  const at = options.at ?? new Date()
  const signature = new Webhook(options.secret ?? SECRET).sign(options.id, at, body)
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': options.id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body: options.tamper ? body.replace('alert-1', 'alert-2') : body,
  })
}

const event = JSON.stringify({ type: 'alert.follow_up', timestamp: '2026-05-07T21:05:00.000Z', data: { version: 1, alertId: 'alert-1' } })

describe('startWebhookReceiver', () => {
  let receiver: WebhookReceiver
  before(async () => {
    receiver = await startWebhookReceiver({ failFirst: 1, retryAfterSeconds: 2 })
  })
  after(() => receiver.close())

  it('refuses everything until it knows the secret', async () => {
    const response = await post(receiver.url, event, { id: 'msg_early' })
    assert.equal(response.status, 401)
    assert.equal(receiver.received().at(-1)?.verified, false)
  })

  it('answers the first verified request 503 with Retry-After, then accepts the retry under the same webhook-id', async () => {
    receiver.setSecret(SECRET)
    const first = await post(receiver.url, event, { id: 'msg_1' })
    assert.equal(first.status, 503)
    assert.equal(first.headers.get('retry-after'), '2')
    const retry = await post(receiver.url, event, { id: 'msg_1' })
    assert.equal(retry.status, 200)
    const [, refused, accepted] = receiver.received()
    assert.deepEqual(
      [refused, accepted].map((r) => r && { id: r.webhookId, type: r.type, alertId: r.alertId, verified: r.verified, status: r.status }),
      [
        { id: 'msg_1', type: 'alert.follow_up', alertId: 'alert-1', verified: true, status: 503 },
        { id: 'msg_1', type: 'alert.follow_up', alertId: 'alert-1', verified: true, status: 200 },
      ],
    )
  })

  it('rejects a body changed after signing, another secret, and a stale timestamp', async () => {
    const otherSecret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`
    const statuses = [
      (await post(receiver.url, event, { id: 'msg_2', tamper: true })).status,
      (await post(receiver.url, event, { id: 'msg_3', secret: otherSecret })).status,
      (await post(receiver.url, event, { id: 'msg_4', at: new Date(Date.now() - 10 * 60_000) })).status,
    ]
    assert.deepEqual(statuses, [401, 401, 401])
    const failures = receiver.received().slice(-3)
    assert.ok(failures.every((r) => !r.verified && r.error !== null))
  })

  it('answers only POST', async () => {
    const response = await fetch(receiver.url)
    assert.equal(response.status, 405)
  })
})
