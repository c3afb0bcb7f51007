// The retry policy and endpoint health rules (delivery-schedule.ts), case by case.
import { describe, expect, it } from 'vitest'
import { FAILING_DISABLE_AFTER_MS, RETRY_DELAYS_SECONDS, applyHealth, decideAfterAttempt } from '../../src/delivery/delivery-schedule'
import type { SendOutcome } from '../../src/delivery/send-webhook'
import type { WebhookEndpoint } from '../../src/delivery/webhook-model'

const http = (status: number, retryAfterSeconds: number | null = null): SendOutcome => ({ kind: 'http_error', status, retryAfterSeconds, location: null, latencyMs: 10 })
const timeout: SendOutcome = { kind: 'timeout', timeoutMs: 15_000, latencyMs: 15_000 }

describe('decideAfterAttempt', () => {
  it.each([
    ['2xx is delivered', { kind: 'delivered', status: 202, latencyMs: 5 } as SendOutcome, 0, { kind: 'delivered' }],
    ['410 Gone disables instead of retrying', http(410), 0, { kind: 'gone' }],
    ['a first 500 retries after 5 s', http(500), 0, { kind: 'retry', delaySeconds: 5 }],
    ['a second failure retries after 5 min', timeout, 1, { kind: 'retry', delaySeconds: 300 }],
    ['a 3xx is a failure like any other (redirects are not followed)', http(301), 2, { kind: 'retry', delaySeconds: 1800 }],
    ['a 4xx other than 410 backs off', http(404), 7, { kind: 'retry', delaySeconds: 86_400 }],
    ['429 honours a Retry-After longer than the backoff (RFC 9110 §10.2.3)', http(429, 600), 0, { kind: 'retry', delaySeconds: 600 }],
    ['503 honours Retry-After too', http(503, 7200), 1, { kind: 'retry', delaySeconds: 7200 }],
    ['a Retry-After shorter than the backoff does not shorten it', http(503, 1), 2, { kind: 'retry', delaySeconds: 1800 }],
    ['Retry-After is ignored on a 400', http(400, 9999), 0, { kind: 'retry', delaySeconds: 5 }],
    ['a Retry-After of a week is capped at a day', http(429, 7 * 86_400), 0, { kind: 'retry', delaySeconds: 86_400 }],
  ])('%s', (_name, outcome, failedBefore, verdict) => {
    expect(decideAfterAttempt(outcome, failedBefore, 0)).toEqual(verdict)
  })

  it('gives up after the whole schedule (5 s … 24 h) has failed', () => {
    expect(RETRY_DELAYS_SECONDS).toEqual([5, 300, 1800, 7200, 18_000, 36_000, 50_400, 86_400])
    expect(decideAfterAttempt(http(500), RETRY_DELAYS_SECONDS.length, 0)).toMatchObject({ kind: 'give_up', reason: expect.stringContaining('9 attempts') })
  })

  it('adds at most 20 % jitter and never retries before Retry-After', () => {
    expect(decideAfterAttempt(http(500), 1, 0.999)).toEqual({ kind: 'retry', delaySeconds: 360 })
    expect(decideAfterAttempt(http(429, 300), 1, 0.5)).toEqual({ kind: 'retry', delaySeconds: 330 })
  })
})

const T = Date.UTC(2030, 0, 1)
const DAY = 86_400_000
const endpoint: WebhookEndpoint = {
  id: 'wh_0123456789abcdef',
  url: 'https://hooks.example.com/x',
  format: 'standard',
  types: null,
  storyIds: null,
  feedIds: null,
  minSignificance: null,
  secret: 'whsec_AAAA',
  previousSecret: null,
  createdAt: new Date(T).toISOString(),
  updatedAt: new Date(T).toISOString(),
  enabled: true,
  disabledReason: null,
  disabledAt: null,
  failingSince: null,
}
const fail = (atMs: number, error = 'webhooks: 500 from https://hooks.example.com/x') => ({ atMs, ok: false, gone: false, error })

describe('applyHealth', () => {
  it('writes nothing for a healthy endpoint that keeps succeeding', () => {
    expect(applyHealth(endpoint, [{ atMs: T, ok: true, gone: false, error: null }])).toBeNull()
  })

  it('starts a failing streak on the first failure and ends it on a success', () => {
    const failing = applyHealth(endpoint, [fail(T)])
    expect(failing).toMatchObject({ failingSince: new Date(T).toISOString(), enabled: true })
    expect(applyHealth(failing ?? endpoint, [fail(T + DAY)])).toBeNull()
    expect(applyHealth(failing ?? endpoint, [{ atMs: T + DAY, ok: true, gone: false, error: null }])).toMatchObject({ failingSince: null })
  })

  it('disables an endpoint failing for 5 days straight, with the reason', () => {
    const failing = { ...endpoint, failingSince: new Date(T).toISOString() }
    expect(applyHealth(failing, [fail(T + FAILING_DISABLE_AFTER_MS - 1)])).toBeNull()
    const disabled = applyHealth(failing, [fail(T + FAILING_DISABLE_AFTER_MS, 'webhooks: 502 from https://hooks.example.com/x')])
    expect(disabled).toMatchObject({ enabled: false, disabledAt: new Date(T + FAILING_DISABLE_AFTER_MS).toISOString() })
    expect(disabled?.disabledReason).toContain('5 days')
    expect(disabled?.disabledReason).toContain('502 from')
  })

  it('disables at once on 410 Gone', () => {
    expect(applyHealth(endpoint, [{ atMs: T, ok: false, gone: true, error: 'webhooks: 410 from x' }])).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410 Gone') })
  })
})
