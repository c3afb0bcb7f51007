// Tests for the cron schedule and the tick loop that `npm start` runs against wrangler dev.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  formatTickLine,
  nextTicks,
  recentTicks,
  runTickDriver,
  scheduledUrl,
  sendTick,
  validateCron,
  type Tick,
} from '../lib/tick-driver.ts'

const at = (iso: string): Date => new Date(iso)

describe('nextTicks', () => {
  it('finds the next five-minute boundary in UTC', () => {
    assert.deepEqual(nextTicks(['*/5 * * * *'], at('2026-11-26T03:33:12.345Z')), [
      { cron: '*/5 * * * *', at: at('2026-11-26T03:35:00Z') },
    ])
  })

  it('never returns the minute it starts from, so a fired tick is not fired again', () => {
    assert.deepEqual(nextTicks(['*/5 * * * *'], at('2026-11-26T03:35:00Z'))[0]?.at, at('2026-11-26T03:40:00Z'))
  })

  it('returns every cron that matches the earliest minute, and only those', () => {
    const ticks = nextTicks(['0 * * * *', '*/30 * * * *', '15 * * * *'], at('2026-11-26T03:50:00Z'))
    assert.deepEqual(ticks.map((t) => t.cron), ['0 * * * *', '*/30 * * * *'])
    assert.ok(ticks.every((t) => t.at.getTime() === at('2026-11-26T04:00:00Z').getTime()))
  })

  it('reads the hour in UTC whatever the local time zone', () => {
    assert.deepEqual(nextTicks(['0 7 * * *'], at('2026-06-01T08:00:00Z'))[0]?.at, at('2026-06-02T07:00:00Z'))
  })

  it('returns nothing for no crons', () => {
    assert.deepEqual(nextTicks([], at('2026-11-26T03:33:00Z')), [])
  })
})

describe('recentTicks', () => {
  it('lists the last matches up to now, oldest first', () => {
    assert.deepEqual(
      recentTicks('*/5 * * * *', 3, at('2026-11-26T03:37:10Z')).map((t) => t.at.toISOString()),
      ['2026-11-26T03:25:00.000Z', '2026-11-26T03:30:00.000Z', '2026-11-26T03:35:00.000Z'],
    )
  })

  it('includes now when now is a match', () => {
    assert.equal(recentTicks('*/5 * * * *', 1, at('2026-11-26T03:35:00Z'))[0]?.at.toISOString(), '2026-11-26T03:35:00.000Z')
  })
})

describe('validateCron', () => {
  it('accepts a Cloudflare five-field cron', () => validateCron('*/5 * * * *'))
  it('rejects six fields (Cloudflare has no seconds field)', () => assert.throws(() => validateCron('0 */5 * * * *'), /invalid cron/))
  it('rejects nonsense', () => assert.throws(() => validateCron('every five minutes'), /invalid cron "every five minutes"/))
})

describe('scheduledUrl', () => {
  it('encodes the cron and passes the matched minute as the scheduled time', () => {
    const url = new URL(scheduledUrl('http://127.0.0.1:8787/', { cron: '*/5 * * * *', at: at('2026-11-26T03:35:00Z') }))
    assert.equal(url.pathname, '/cdn-cgi/handler/scheduled')
    assert.equal(url.searchParams.get('cron'), '*/5 * * * *')
    assert.equal(url.searchParams.get('time'), String(Date.parse('2026-11-26T03:35:00Z')))
  })
})

describe('formatTickLine', () => {
  const tick: Tick = { cron: '*/5 * * * *', at: at('2026-11-26T03:35:00Z') }
  it('prints a successful tick on one line', () => {
    assert.equal(formatTickLine(tick, { kind: 'response', status: 200, body: 'ok', ms: 412 }, false), 'tick 03:35:00Z → 200 in 412 ms')
  })
  it('quotes the body of a failed handler', () => {
    assert.equal(formatTickLine(tick, { kind: 'response', status: 500, body: 'exception\n', ms: 9 }, false), 'tick 03:35:00Z → 500 (exception) in 9 ms')
  })
  it('names the cron when there are several', () => {
    assert.match(formatTickLine(tick, { kind: 'failed', message: 'ECONNREFUSED', ms: 3 }, true), /^tick 03:35:00Z \[\*\/5 \* \* \* \*\] → failed after 3 ms: ECONNREFUSED$/)
  })
})

describe('sendTick', () => {
  it('reports a refused connection as a failed outcome instead of throwing', async () => {
    const refused: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })
    }
    const outcome = await sendTick('http://127.0.0.1:1/', { cron: '* * * * *', at: new Date() }, refused)
    assert.equal(outcome.kind, 'failed')
    assert.equal(outcome.kind === 'failed' && outcome.message, 'ECONNREFUSED')
  })
})

describe('runTickDriver', () => {
  it('fires at once, then on every match, and keeps going after a failed tick', async () => {
    let now = Date.parse('2026-11-26T03:33:20Z')
    const requested: string[] = []
    const lines: string[] = []
    const controller = new AbortController()
    const fakeFetch: typeof fetch = async (input) => {
      const url = new URL(String(input))
      requested.push(new Date(Number(url.searchParams.get('time'))).toISOString())
      now += 250
      if (requested.length === 2) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })
      if (requested.length === 4) controller.abort()
      return new Response('ok')
    }
    await runTickDriver({
      baseUrl: 'http://127.0.0.1:8787/',
      crons: ['*/5 * * * *'],
      fetch: fakeFetch,
      now: () => now,
      sleep: async (ms) => {
        now += ms
      },
      log: (line) => lines.push(line),
      signal: controller.signal,
    })
    assert.deepEqual(requested, [
      '2026-11-26T03:33:20.000Z',
      '2026-11-26T03:35:00.000Z',
      '2026-11-26T03:40:00.000Z',
      '2026-11-26T03:45:00.000Z',
    ])
    assert.equal(lines[0], 'tick 03:33:20Z → 200 in 250 ms')
    assert.match(lines[1] ?? '', /^tick 03:35:00Z → failed after 250 ms: ECONNRESET$/)
    assert.equal(lines.length, 3, 'the tick interrupted by the abort is not logged')
  })

  it('fires one overdue tick after a long pause, not every missed one', async () => {
    let now = Date.parse('2026-11-26T03:34:00Z')
    const requested: string[] = []
    const controller = new AbortController()
    let slept = false
    await runTickDriver({
      baseUrl: 'http://127.0.0.1:8787/',
      crons: ['*/5 * * * *'],
      fetch: async (input) => {
        requested.push(new Date(Number(new URL(String(input)).searchParams.get('time'))).toISOString())
        if (requested.length === 3) controller.abort()
        return new Response('ok')
      },
      now: () => now,
      sleep: async (ms) => {
        // The machine sleeps for an hour during the first wait.
        now += slept ? ms : 60 * 60_000
        slept = true
      },
      log: () => undefined,
      signal: controller.signal,
    })
    assert.deepEqual(requested, ['2026-11-26T03:34:00.000Z', '2026-11-26T03:35:00.000Z', '2026-11-26T04:35:00.000Z'])
  })
})
