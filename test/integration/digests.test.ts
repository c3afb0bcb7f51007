// Email digests end to end: the API, the hourly cron through the scheduled handler, senders at their boundary, unsubscribe.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createScheduledController, reset } from 'cloudflare:test'
import worker from '../../src/index'
import { AlertStore } from '../../src/alerts/alert-store'
import { DigestStore } from '../../src/delivery/digest-store'
import { DIGEST_CRON } from '../../src/delivery/digest-schedule'
import type { Alert } from '../../src/model/alert'
import { api, env, json } from '../support/worker'
import { FakeNetwork } from '../support/fake-network'
import { followUp, removal, revision } from '../support/alerts'
import { decodeHeader, parseMime, partOf } from '../support/mime'

const HOUR = 3_600_000
const MIN = 60_000
const EMAIL_API = 'https://email-api.test/emails'
const HTTP_EMAIL = { EMAIL_PROVIDER: 'http', EMAIL_API_KEY: 'test-email-key' }

interface DigestDto {
  id: string
  email: string
  schedule: string
  hourUtc: number | null
  storyIds: string[]
  types: string[]
  nextDigestAt: string
  delivery: {
    watermark: string
    sentCount: number
    errorCount: number
    lastError: string | null
    lastDigest: { id: string; status: string; alertCount: number } | null
  }
}

interface SentEmail {
  from: string
  to: string[]
  subject: string
  html: string
  text: string
  headers: Record<string, string>
  idempotencyKey: string | null
}

/** The first top of the hour at least two hours from now: cron runs in the future of every subscription. */
const BASE = Math.ceil(Date.now() / HOUR) * HOUR + 2 * HOUR
const iso = (ms: number): string => new Date(ms).toISOString()

let network: FakeNetwork
let sent: SentEmail[]
/** What the fake email API answers: 200, another status, or 0 for no answer at all. */
let emailStatus: number

beforeEach(async () => {
  await reset()
  sent = []
  emailStatus = 200
  network = new FakeNetwork().install()
  network.serve(EMAIL_API, async (request) => {
    if (emailStatus === 0) throw new TypeError('network connection lost')
    if (emailStatus !== 200) return new Response('provider down', { status: emailStatus })
    sent.push({ ...((await request.json()) as Omit<SentEmail, 'idempotencyKey'>), idempotencyKey: request.headers.get('idempotency-key') })
    return Response.json({ id: `email_${sent.length}` })
  })
})

afterEach(() => {
  vi.restoreAllMocks()
})

/** Runs the digest cron through the scheduled handler at `scheduledTime`. */
async function digestCron(scheduledTime: number, override: Record<string, unknown> = HTTP_EMAIL): Promise<void> {
  const controller = createScheduledController({ scheduledTime, cron: DIGEST_CRON })
  await worker.scheduled(controller, { ...env, ...override } as Env)
}

async function subscribe(body: Record<string, unknown>): Promise<DigestDto> {
  const res = await api('/api/digests', { method: 'POST', json: body })
  if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${await res.text()}`)
  return json<DigestDto>(res)
}

async function raise(...alerts: Alert[]): Promise<void> {
  const store = new AlertStore(env.STORE)
  for (const a of alerts) await store.raise(a)
}

async function digest(id: string): Promise<DigestDto> {
  return json<DigestDto>(await api(`/api/digests/${id}`))
}

describe('POST /api/digests', () => {
  it.each([
    { name: 'a bad email', body: { email: 'not-an-address', schedule: 'hourly' }, field: 'email' },
    { name: 'a missing schedule', body: { email: 'desk@newsroom.example' }, field: 'schedule' },
    { name: 'an unknown schedule', body: { email: 'desk@newsroom.example', schedule: 'weekly' }, field: 'schedule' },
    { name: 'an hour on an hourly digest', body: { email: 'desk@newsroom.example', schedule: 'hourly', hourUtc: 7 }, field: 'hourUtc' },
    { name: 'an hour out of range', body: { email: 'desk@newsroom.example', schedule: 'daily', hourUtc: 24 }, field: 'hourUtc' },
    { name: 'an unknown alert type', body: { email: 'desk@newsroom.example', schedule: 'daily', types: ['gossip'] }, field: 'types.0' },
    { name: 'an unknown field', body: { email: 'desk@newsroom.example', schedule: 'daily', format: 'html' }, field: 'format' },
    { name: 'an unknown story', body: { email: 'desk@newsroom.example', schedule: 'daily', storyIds: ['no-such-story'] }, field: 'storyIds' },
  ])('answers 400 naming the field for $name', async ({ body, field }) => {
    const res = await api('/api/digests', { method: 'POST', json: body })
    expect(res.status).toBe(400)
    const error = (await json<{ error: { code: string; message: string } }>(res)).error
    expect(error.message).toContain(field)
  })

  it('creates, lists, reads and deletes a subscription', async () => {
    const created = await subscribe({ email: 'desk@newsroom.example', schedule: 'daily', types: ['follow_up', 'revision'] })
    expect(created).toMatchObject({ email: 'desk@newsroom.example', schedule: 'daily', hourUtc: 7, storyIds: [], types: ['follow_up', 'revision'] })
    expect(created.id).toMatch(/^ds_[0-9a-f]{16}$/)
    expect(created.nextDigestAt).toMatch(/T07:00:00\.000Z$/)
    const list = await json<{ items: DigestDto[] }>(await api('/api/digests'))
    expect(list.items.map((d) => d.id)).toEqual([created.id])
    expect((await digest(created.id)).delivery).toMatchObject({ sentCount: 0, errorCount: 0, lastDigest: null })
    expect((await api('/api/digests', { method: 'POST', json: { email: 'DESK@newsroom.example', schedule: 'daily' } })).status).toBe(409)
    expect((await api(`/api/digests/${created.id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await api(`/api/digests/${created.id}`)).status).toBe(404)
    expect((await api(`/api/digests/${created.id}`, { method: 'PUT' })).status).toBe(405)
    expect((await api('/api/digests', { token: null })).status).toBe(401)
  })
})

describe('the digest cron', () => {
  it('sends one digest per period with each alert once, and nothing when there is nothing new', async () => {
    const sub = await subscribe({ email: 'desk@newsroom.example', schedule: 'hourly' })
    const first = [followUp(iso(BASE - 50 * MIN)), revision(iso(BASE - 40 * MIN)), removal(iso(BASE - 30 * MIN))]
    await raise(...first)
    await digestCron(BASE)
    expect(sent).toHaveLength(1)
    const one = sent[0]
    expect(one?.to).toEqual(['desk@newsroom.example'])
    expect(one?.from).toBe('Storywatch <digests@storywatch.test>')
    expect(one?.subject).toBe('Storywatch: 1 follow-up on "Grooming gangs inquiry", 1 revision, 1 article removed')
    expect(one?.idempotencyKey).toBe(`${sub.id}.h${iso(BASE).slice(0, 13)}`)
    expect(one?.headers['List-Unsubscribe']).toMatch(/^<https:\/\/storywatch\.test\/digests\/unsubscribe\?token=.+>$/)
    for (const a of first) {
      expect(one?.text).toContain(a.title)
      expect(one?.html).toContain(a.title)
    }

    // Next hour: only the alert raised since; the first three are not repeated.
    const later = revision(iso(BASE + 20 * MIN), { title: 'Second-hour revision' })
    await raise(later)
    await digestCron(BASE + HOUR)
    expect(sent).toHaveLength(2)
    expect(sent[1]?.subject).toBe('Storywatch: 1 revision')
    expect(sent[1]?.text).toContain('Second-hour revision')
    for (const a of first) expect(sent[1]?.text).not.toContain(a.title)

    // A quiet hour: no email at all.
    await digestCron(BASE + 2 * HOUR)
    expect(sent).toHaveLength(2)
    expect((await digest(sub.id)).delivery).toMatchObject({ sentCount: 2, errorCount: 0, lastError: null })
  })

  it('leaves alerts of the last minutes to the next digest, so a tick still writing them loses none', async () => {
    await subscribe({ email: 'desk@newsroom.example', schedule: 'hourly' })
    const settled = followUp(iso(BASE - 15 * MIN), { title: 'Settled follow-up' })
    const fresh = followUp(iso(BASE - 2 * MIN), { title: 'Fresh follow-up' })
    await raise(settled, fresh)
    await digestCron(BASE)
    expect(sent.map((s) => s.text.includes('Settled follow-up') && !s.text.includes('Fresh follow-up'))).toEqual([true])
    await digestCron(BASE + HOUR)
    expect(sent).toHaveLength(2)
    expect(sent[1]?.text).toContain('Fresh follow-up')
    expect(sent[1]?.text).not.toContain('Settled follow-up')
  })

  it('sends once when the cron is retried or overlaps (same scheduled time, same hour)', async () => {
    const sub = await subscribe({ email: 'desk@newsroom.example', schedule: 'hourly' })
    await raise(followUp(iso(BASE - 30 * MIN)))
    await digestCron(BASE)
    await digestCron(BASE)
    await digestCron(BASE + 5 * MIN)
    expect(sent).toHaveLength(1)
    expect((await digest(sub.id)).delivery.lastDigest).toMatchObject({ id: `${sub.id}.h${iso(BASE).slice(0, 13)}`, status: 'sent', alertCount: 1 })
  })

  it('records a refused send on the subscription and puts its alerts in the next digest, sending none twice', async () => {
    const sub = await subscribe({ email: 'desk@newsroom.example', schedule: 'hourly' })
    await raise(revision(iso(BASE - 30 * MIN), { title: 'Refused-hour revision' }))
    emailStatus = 503
    await digestCron(BASE)
    expect(sent).toHaveLength(0)
    const failed = await digest(sub.id)
    expect(failed.delivery).toMatchObject({ errorCount: 1, sentCount: 0 })
    expect(failed.delivery.lastError).toContain('503 from email-api.test')
    expect(failed.delivery.lastDigest?.status).toBe('failed')

    emailStatus = 200
    await digestCron(BASE) // the failed period is not retried as such
    expect(sent).toHaveLength(0)
    await raise(revision(iso(BASE + 30 * MIN), { title: 'Next-hour revision' }))
    await digestCron(BASE + HOUR)
    expect(sent).toHaveLength(1)
    expect(sent[0]?.text).toContain('Refused-hour revision')
    expect(sent[0]?.text).toContain('Next-hour revision')
    expect((await digest(sub.id)).delivery).toMatchObject({ errorCount: 0, lastError: null, sentCount: 1 })
  })

  it('does not resend a digest whose send got no answer (it may have arrived): at-most-once', async () => {
    const sub = await subscribe({ email: 'desk@newsroom.example', schedule: 'hourly' })
    await raise(revision(iso(BASE - 30 * MIN), { title: 'Unanswered-hour revision' }))
    emailStatus = 0
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    await digestCron(BASE)
    const state = await digest(sub.id)
    expect(state.delivery.lastDigest?.status).toBe('unknown')
    expect(state.delivery.lastError).toContain('no answer from email-api.test')
    emailStatus = 200
    await raise(revision(iso(BASE + 30 * MIN), { title: 'Next-hour revision' }))
    await digestCron(BASE + HOUR)
    expect(sent).toHaveLength(1)
    expect(sent[0]?.text).not.toContain('Unanswered-hour revision')
  })

  it('sends a daily digest only at its hour, with the whole day since the last one', async () => {
    const hour = new Date(BASE).getUTCHours()
    await subscribe({ email: 'desk@newsroom.example', schedule: 'daily', hourUtc: hour })
    await raise(followUp(iso(BASE + 2 * HOUR)), revision(iso(BASE + 10 * HOUR)))
    for (let h = 1; h < 24; h++) await digestCron(BASE + h * HOUR)
    expect(sent).toHaveLength(0)
    await digestCron(BASE + 24 * HOUR)
    expect(sent).toHaveLength(1)
    expect(sent[0]?.subject).toBe('Storywatch: 1 follow-up on "Grooming gangs inquiry", 1 revision')
  })

  it('honours type and story filters', async () => {
    await subscribe({ email: 'revisions@newsroom.example', schedule: 'hourly', types: ['revision'] })
    await raise(followUp(iso(BASE - 30 * MIN), { title: 'Filtered follow-up' }), revision(iso(BASE - 20 * MIN), { title: 'Wanted revision' }))
    await digestCron(BASE)
    expect(sent).toHaveLength(1)
    expect(sent[0]?.text).toContain('Wanted revision')
    expect(sent[0]?.text).not.toContain('Filtered follow-up')
  })

  it('sends through the send_email binding when configured', async () => {
    const messages: { from: string; to: string }[] = []
    const SEND_EMAIL = {
      async send(message: { from: string; to: string }) {
        messages.push({ from: message.from, to: message.to })
        return { messageId: 'm1' }
      },
    }
    const sub = await subscribe({ email: 'desk@newsroom.example', schedule: 'hourly' })
    await raise(followUp(iso(BASE - 30 * MIN)))
    await digestCron(BASE, { EMAIL_PROVIDER: 'send_email', SEND_EMAIL })
    expect(messages).toEqual([{ from: 'digests@storywatch.test', to: 'desk@newsroom.example' }])
    expect(sent).toHaveLength(0)
    expect((await digest(sub.id)).delivery.lastDigest?.status).toBe('sent')
  })

  it('builds and records digests without sending when EMAIL_PROVIDER is "none"', async () => {
    const sub = await subscribe({ email: 'desk@newsroom.example', schedule: 'hourly' })
    await raise(followUp(iso(BASE - 30 * MIN)))
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
    await digestCron(BASE, {})
    expect(network.requests).toHaveLength(0)
    expect(log.mock.calls.some(([line]) => String(line).includes('EMAIL_PROVIDER is "none"'))).toBe(true)
    const state = await digest(sub.id)
    expect(state.delivery.lastDigest).toMatchObject({ status: 'recorded', alertCount: 1 })
    expect(state.delivery.watermark).toBe(iso(BASE - 10 * MIN))
  })

  it('claims nothing when the provider is not configured', async () => {
    const sub = await subscribe({ email: 'desk@newsroom.example', schedule: 'hourly' })
    await raise(followUp(iso(BASE - 30 * MIN)))
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    await digestCron(BASE, { EMAIL_PROVIDER: 'http' }) // no EMAIL_API_KEY
    expect((await digest(sub.id)).delivery.lastDigest).toBeNull()
    await digestCron(BASE + 5 * MIN)
    expect(sent).toHaveLength(1)
  })
})

describe('GET /api/digests/:id/preview', () => {
  /** A subscription created two hours ago, so alerts of the last hour are pending for it now. */
  async function backdated(): Promise<DigestDto> {
    const sub = await subscribe({ email: 'desk@newsroom.example', schedule: 'hourly' })
    const store = new DigestStore(env.STORE)
    const record = await store.getSubscription(sub.id)
    if (!record) throw new Error('subscription not stored')
    await store.putSubscription({ ...record, createdAt: iso(Date.now() - 2 * HOUR) })
    return sub
  }

  it('shows the next digest as JSON and as raw MIME without sending it or moving the watermark', async () => {
    const sub = await backdated()
    const alerts = [followUp(iso(Date.now() - 50 * MIN), { title: 'Preview follow-up' }), revision(iso(Date.now() - 40 * MIN), { title: 'Preview revision' })]
    await raise(...alerts)

    const res = await api(`/api/digests/${sub.id}/preview`)
    expect(res.status).toBe(200)
    const preview = await json<{ subject: string; text: string; html: string }>(res)
    expect(preview.subject).toBe('Storywatch: 1 follow-up on "Grooming gangs inquiry", 1 revision')
    for (const a of alerts) {
      expect(preview.text).toContain(a.title)
      expect(preview.html).toContain(a.title)
    }

    const eml = await api(`/api/digests/${sub.id}/preview?format=eml`)
    expect(eml.status).toBe(200)
    expect(eml.headers.get('content-type')).toBe('message/rfc822')
    const mime = parseMime(new TextDecoder().decode(await eml.arrayBuffer()))
    expect(decodeHeader(mime.headers.subject ?? '')).toBe(preview.subject)
    expect(mime.headers.to).toBe('<desk@newsroom.example>')
    for (const a of alerts) {
      expect(partOf(mime, 'text/plain')).toContain(a.title)
      expect(partOf(mime, 'text/html')).toContain(a.title)
    }

    expect(network.requests).toHaveLength(0)
    const state = await digest(sub.id)
    expect(state.delivery.lastDigest).toBeNull()
    // The cron after the preview still sends the previewed alerts.
    await digestCron(Math.ceil(Date.now() / HOUR) * HOUR + HOUR)
    expect(sent).toHaveLength(1)
    for (const a of alerts) expect(sent[0]?.text).toContain(a.title)
  })

  it('answers 404 digest_empty when nothing is pending, and 400 for an unknown format', async () => {
    const sub = await subscribe({ email: 'desk@newsroom.example', schedule: 'hourly' })
    const res = await api(`/api/digests/${sub.id}/preview`)
    expect(res.status).toBe(404)
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe('digest_empty')
    expect((await api(`/api/digests/${sub.id}/preview?format=pdf`)).status).toBe(400)
  })
})

describe('/digests/unsubscribe', () => {
  it('confirms with a form on GET and unsubscribes on POST, without the API token', async () => {
    const sub = await subscribe({ email: 'desk@newsroom.example', schedule: 'hourly' })
    await raise(followUp(iso(BASE - 30 * MIN)))
    await digestCron(BASE)
    const link = /Unsubscribe: (\S+)/.exec(sent[0]?.text ?? '')?.[1]
    expect(link).toBeDefined()
    const url = new URL(link ?? '')
    const path = url.pathname + url.search

    const confirm = await api(path, { token: null })
    expect(confirm.status).toBe(200)
    const page = await confirm.text()
    expect(page).toContain('desk@newsroom.example')
    expect(page).toContain('<form method="post" action="/digests/unsubscribe">')
    expect((await digest(sub.id)).id).toBe(sub.id) // a GET (a mail scanner following links) changes nothing

    // RFC 8058 one-click: the mail client POSTs to the List-Unsubscribe URL.
    const done = await api(path, { token: null, method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('Unsubscribed')
    expect((await api(`/api/digests/${sub.id}`)).status).toBe(404)

    await raise(followUp(iso(BASE + 30 * MIN)))
    await digestCron(BASE + HOUR)
    expect(sent).toHaveLength(1)
    expect(await (await api(path, { token: null })).text()).toContain('Already unsubscribed')
  })

  it('unsubscribes from the confirm form (token in the body)', async () => {
    const sub = await subscribe({ email: 'desk@newsroom.example', schedule: 'daily' })
    await raise(followUp(iso(BASE - 30 * MIN)))
    const hourOfSub = new Date(BASE).getUTCHours()
    const store = new DigestStore(env.STORE)
    const record = await store.getSubscription(sub.id)
    if (record) await store.putSubscription({ ...record, hourUtc: hourOfSub })
    await digestCron(BASE)
    const token = new URL(/Unsubscribe: (\S+)/.exec(sent[0]?.text ?? '')?.[1] ?? 'https://x/').searchParams.get('token') ?? ''
    const res = await api('/digests/unsubscribe', { token: null, method: 'POST', body: new URLSearchParams({ token }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(res.status).toBe(200)
    expect((await api(`/api/digests/${sub.id}`)).status).toBe(404)
  })

  it('answers a forged or altered token with a 400 page and unsubscribes no one', async () => {
    const sub = await subscribe({ email: 'desk@newsroom.example', schedule: 'hourly' })
    const forged = `${btoa(JSON.stringify({ p: 'digest-unsubscribe', s: sub.id })).replace(/=+$/, '')}.AAAAAAAAAAAAAAAAAAAAAA`
    for (const token of [forged, 'garbage', '']) {
      const get = await api(`/digests/unsubscribe?token=${encodeURIComponent(token)}`, { token: null })
      expect(get.status).toBe(400)
      expect(get.headers.get('content-type')).toContain('text/html')
      const post = await api(`/digests/unsubscribe?token=${encodeURIComponent(token)}`, { token: null, method: 'POST' })
      expect(post.status).toBe(400)
    }
    expect((await api(`/api/digests/${sub.id}`)).status).toBe(200)
  })
})
