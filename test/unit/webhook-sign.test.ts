// Standard Webhooks signatures (sign-webhook.ts) checked against the reference library's verify.
import { describe, expect, it } from 'vitest'
import { Webhook } from 'standardwebhooks'
import { generateSecret, webhookHeaders } from '../../src/delivery/sign-webhook'
import { activeSecrets } from '../../src/delivery/dispatch-deliveries'

describe('webhook signatures', () => {
  it('produce headers the standardwebhooks package verifies over the exact body', () => {
    const secret = generateSecret()
    const body = JSON.stringify({ type: 'alert.revision', timestamp: '2030-01-01T00:00:00.000Z', data: { version: 1, note: 'é ✓' } })
    const headers = webhookHeaders([secret], 'msg_0123456789abcdef01234567', Date.now(), body)
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(Date.now() / 1000)))
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body))
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow()
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow()
  })

  it('carry one signature per secret during a rotation, each verifying alone', () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()]
    const headers = webhookHeaders([newSecret, oldSecret], 'msg_1', Date.now(), '{}')
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2)
    expect(() => new Webhook(oldSecret).verify('{}', headers)).not.toThrow()
    expect(() => new Webhook(newSecret).verify('{}', headers)).not.toThrow()
  })

  it('sign with the previous secret only until the rotation window ends', () => {
    const expiresAt = '2030-01-02T00:00:00.000Z'
    const endpoint = { secret: 'whsec_new', previousSecret: { secret: 'whsec_old', expiresAt } }
    expect(activeSecrets(endpoint, Date.parse(expiresAt) - 1)).toEqual(['whsec_new', 'whsec_old'])
    expect(activeSecrets(endpoint, Date.parse(expiresAt))).toEqual(['whsec_new'])
  })

  it('generate whsec_ secrets of 32 random bytes', () => {
    const secret = generateSecret()
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(generateSecret()).not.toBe(secret)
  })
})
