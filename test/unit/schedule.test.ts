// The stateless slot schedule and the failure backoff.
import { describe, expect, it } from 'vitest'
import { backoffMs, cronPeriodMinutes, isDue, lastDueSlotAt, boundsBite, pickFeedsForTick } from '../../src/feeds/schedule'

const MIN = 60_000
const T0 = Date.UTC(2026, 10, 2, 9, 0, 0)

describe('cronPeriodMinutes', () => {
  it.each([
    ['*/5 * * * *', 5],
    ['*/15 * * * *', 15],
    ['0 * * * *', 5],
    [null, 5],
    ['*/0 * * * *', 5],
  ])('reads %s as every %i minutes', (cron, minutes) => {
    expect(cronPeriodMinutes(cron)).toBe(minutes)
  })
})

describe('isDue', () => {
  it('makes a feed whose interval equals the cron period due on every tick', () => {
    for (let i = 0; i < 12; i++) expect(isDue({ id: 'abc', intervalMinutes: 5 }, T0 + i * 5 * MIN, 5)).toBe(true)
  })

  it('makes an hourly feed due on exactly one tick in twelve', () => {
    for (const id of ['a1', 'b2', 'c3', 'feed-with-a-longer-id']) {
      const dueTicks = Array.from({ length: 24 }, (_, i) => isDue({ id, intervalMinutes: 60 }, T0 + i * 5 * MIN, 5)).filter(Boolean)
      expect(dueTicks).toHaveLength(2)
    }
  })

  it('spreads hourly feeds over different ticks', () => {
    const phases = new Set<number>()
    for (let f = 0; f < 50; f++) {
      const id = `feed${f}`
      for (let i = 0; i < 12; i++) if (isDue({ id, intervalMinutes: 60 }, T0 + i * 5 * MIN, 5)) phases.add(i)
    }
    expect(phases.size).toBeGreaterThan(6)
  })

  it('gives the last due slot at or before a time, which is itself a due slot', () => {
    const feed = { id: 'xyz', intervalMinutes: 30 }
    const now = T0 + 47 * MIN
    const slot = lastDueSlotAt(feed, now, 5)
    expect(slot).toBeLessThanOrEqual(now)
    expect(now - slot).toBeLessThan(30 * MIN)
    expect(isDue(feed, slot, 5)).toBe(true)
  })
})

describe('backoffMs', () => {
  it('doubles with each consecutive failure and stops at 24 hours', () => {
    expect(backoffMs(1, null)).toBe(5 * MIN)
    expect(backoffMs(2, null)).toBe(10 * MIN)
    expect(backoffMs(3, null)).toBe(20 * MIN)
    expect(backoffMs(30, null)).toBe(24 * 60 * MIN)
  })

  it('never retries sooner than Retry-After asked, within the cap', () => {
    expect(backoffMs(1, 3600)).toBe(60 * MIN)
    expect(backoffMs(1, 10 * 24 * 3600)).toBe(24 * 60 * MIN)
  })
})

describe('pickFeedsForTick', () => {
  const feed = (host: string, i: number) => ({ id: `${host}-${String(i).padStart(3, '0')}`, url: `https://${host}/feeds/${i}.xml` })

  /** Runs `ticks` ticks carrying the cursor forward, as run-tick does; returns every feed polled and the picks per tick. */
  function simulate(due: { id: string; url: string }[], ticks: number, limits: { maxPerTick: number; maxPerHost: number }) {
    let cursor = 0
    const seen = new Set<string>()
    const perTick: { id: string; url: string }[][] = []
    for (let t = 0; t < ticks; t++) {
      const pick = pickFeedsForTick(due, cursor, limits)
      cursor = pick.nextCursor
      perTick.push(pick.picked)
      for (const f of pick.picked) seen.add(f.id)
    }
    return { seen, perTick }
  }

  it('gives every feed of a 200-feed publisher its turn, five a tick', () => {
    const due = Array.from({ length: 200 }, (_, i) => feed('big.example.com', i))
    const { seen, perTick } = simulate(due, 40, { maxPerTick: 30, maxPerHost: 5 })
    expect(perTick.every((p) => p.length === 5)).toBe(true)
    expect(seen.size).toBe(200)
  })

  it('gives every host its turn when there are more hosts than feeds per tick', () => {
    const due = Array.from({ length: 90 }, (_, i) => feed(`site${i}.example.com`, 0))
    expect(simulate(due, 3, { maxPerTick: 30, maxPerHost: 5 }).seen.size).toBe(90)
  })

  it('mixes a big publisher with small ones without starving either, and keeps the per-host limit', () => {
    const due = [...Array.from({ length: 12 }, (_, i) => feed('big.example.com', i)), ...Array.from({ length: 20 }, (_, i) => feed(`s${i}.example.org`, 0))]
    const { seen, perTick } = simulate(due, 8, { maxPerTick: 10, maxPerHost: 2 })
    for (const picked of perTick) expect(picked.filter((f) => f.url.includes('big.example.com')).length).toBeLessThanOrEqual(2)
    expect(seen.size).toBe(32)
  })

  it('needs no cursor when every due feed fits in one tick', () => {
    const due = Array.from({ length: 8 }, (_, i) => feed(`a${i}.example.com`, 0))
    expect(boundsBite(due, { maxPerTick: 30, maxPerHost: 5 })).toBe(false)
    expect(pickFeedsForTick(due, 0, { maxPerTick: 30, maxPerHost: 5 }).picked).toHaveLength(8)
  })
})
