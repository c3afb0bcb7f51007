// Tests for building digests: selection by window and filters, grouping, ranking and the subject line.
import { describe, expect, it } from 'vitest'
import { buildDigest, digestSubject, selectDigestAlerts, type DigestFollowUp, type DigestStorySection } from '../../src/delivery/build-digest'
import { digestPeriod, isDigestDue, nextDigestAt } from '../../src/delivery/digest-schedule'
import { followUp, removal, revision } from '../support/alerts'

const T = Date.UTC(2030, 0, 7, 9, 0, 0)
const at = (minutes: number): string => new Date(T + minutes * 60_000).toISOString()
const WINDOW = { from: at(-60), to: at(0) }
const ALL = { types: [], storyIds: [] }

describe('selectDigestAlerts', () => {
  const inside = followUp(at(-30))
  const onFrom = revision(at(-60))
  const onTo = revision(at(0))
  const after = removal(at(1))
  const otherStory = followUp(at(-20), { storyId: 'other', storyTitle: 'Other' })

  it('keeps alerts created after the window start and up to its end, each once', () => {
    const picked = selectDigestAlerts([inside, onFrom, onTo, after, inside], ALL, WINDOW, new Set())
    expect(picked.map((a) => a.id)).toEqual([inside.id, onTo.id])
  })

  it.each([
    { name: 'types keep only those types', filter: { types: ['revision' as const], storyIds: [] }, related: [], expected: [onTo.id] },
    { name: 'storyIds keep follow-ups on those stories', filter: { types: [], storyIds: ['other'] }, related: [], expected: [otherStory.id] },
    {
      name: 'storyIds keep revisions of articles matched to those stories',
      filter: { types: [], storyIds: ['other'] },
      related: [onTo.articleId],
      expected: [onTo.id, otherStory.id],
    },
  ])('$name', ({ filter, related, expected }) => {
    const picked = selectDigestAlerts([inside, onTo, otherStory], filter, WINDOW, new Set(related))
    expect(picked.map((a) => a.id).sort()).toEqual([...expected].sort())
  })
})

describe('buildDigest', () => {
  it('returns null for no alerts: there is never an empty digest', () => {
    expect(buildDigest({ id: 'd', period: 'p', window: WINDOW, alerts: [] })).toBeNull()
  })

  it('groups follow-ups by story in time order, then ranks revisions with headline changes first, then removals', () => {
    const late = followUp(at(-5))
    const early = followUp(at(-50), { alsoReportedBy: [{ articleId: 'x', feedId: 'feed-c', title: 'Same story', url: 'https://c.example/x', firstSeenAt: at(-49) }] })
    const other = followUp(at(-40), { storyId: 'other', storyTitle: 'Other story' })
    const minor = revision(at(-30), { significance: 0.1 })
    const big = revision(at(-25), { significance: 0.9 })
    const headline = revision(at(-20), {
      significance: 0.2,
      classification: 'headline',
      changes: [{ field: 'title', before: 'Old headline', after: 'New headline', ops: null, wordsAdded: 1, wordsRemoved: 1 }],
    })
    const gone = removal(at(-10))
    const model = buildDigest({ id: 'd', period: 'p', window: WINDOW, alerts: [late, minor, gone, early, big, other, headline] })
    expect(model).not.toBeNull()
    if (!model) return
    expect(model.stories.map((s) => s.storyId)).toEqual(['grooming-gangs-inquiry', 'other'])
    expect(model.stories[0]?.followUps.map((f) => f.alertId)).toEqual([early.id, late.id])
    expect(model.stories[0]?.followUps[0]?.alsoReportedBy).toEqual([{ title: 'Same story', url: 'https://c.example/x', feedId: 'feed-c' }])
    expect(model.revisions.map((r) => r.alertId)).toEqual([headline.id, big.id, minor.id])
    expect(model.revisions[0]?.headline).toEqual({ before: 'Old headline', after: 'New headline' })
    expect(model.removed.map((r) => r.alertId)).toEqual([gone.id])
    expect(model.counts).toEqual({ followUps: 3, revisions: 3, removed: 1, total: 7 })
    expect(model.newestAlertAt).toBe(late.createdAt)
    expect(model.alertIds).toHaveLength(7)
  })
})

describe('digestSubject', () => {
  const item: DigestFollowUp = { alertId: 'f', createdAt: at(0), articleId: 'a', title: 't', url: 'https://x.example/', feedId: 'f', score: 1, why: [], clusterId: null, alsoReportedBy: [] }
  const section = (title: string, n: number): DigestStorySection => ({ storyId: title, storyTitle: title, followUps: new Array<DigestFollowUp>(n).fill(item) })
  it.each([
    { name: 'one story and revisions', stories: [section('Grooming gangs inquiry', 3)], revisions: 5, removed: 0, expected: 'Storywatch: 3 follow-ups on "Grooming gangs inquiry", 5 revisions' },
    { name: 'singulars', stories: [section('A', 1)], revisions: 1, removed: 1, expected: 'Storywatch: 1 follow-up on "A", 1 revision, 1 article removed' },
    { name: 'revisions only', stories: [], revisions: 2, removed: 0, expected: 'Storywatch: 2 revisions' },
    { name: 'many stories, counted', stories: [section('A', 2), section('B', 1), section('C', 1)], revisions: 0, removed: 2, expected: 'Storywatch: 4 follow-ups on 3 stories, 2 articles removed' },
    { name: 'a long title, cut', stories: [section('x'.repeat(80), 1)], revisions: 0, removed: 0, expected: `Storywatch: 1 follow-up on "${'x'.repeat(59)}…"` },
  ])('$name', ({ stories, revisions, removed, expected }) => {
    const followUps = stories.reduce((n, s) => n + s.followUps.length, 0)
    expect(digestSubject(stories, { followUps, revisions, removed, total: followUps + revisions + removed })).toBe(expected)
  })
})

describe('digest schedule', () => {
  const hourly = { schedule: 'hourly' as const, hourUtc: null }
  const daily = { schedule: 'daily' as const, hourUtc: 9 }
  it.each([
    { name: 'hourly is due every hour', sub: hourly, now: T + 3 * 3_600_000, due: true, period: 'h2030-01-07T12' },
    { name: 'daily is due at its hour', sub: daily, now: T, due: true, period: 'd2030-01-07' },
    { name: 'daily is not due at another hour', sub: daily, now: T + 3_600_000, due: false, period: 'd2030-01-07' },
    { name: 'a run late in the hour has the same period', sub: hourly, now: T + 59 * 60_000, due: true, period: 'h2030-01-07T09' },
  ])('$name', ({ sub, now, due, period }) => {
    expect(isDigestDue(sub, now)).toBe(due)
    expect(digestPeriod(sub, now)).toBe(period)
  })

  it('finds the next daily slot tomorrow once today’s has passed', () => {
    expect(new Date(nextDigestAt(daily, T + 60_000)).toISOString()).toBe('2030-01-08T09:00:00.000Z')
    expect(new Date(nextDigestAt(hourly, T + 60_000)).toISOString()).toBe('2030-01-07T10:00:00.000Z')
  })
})
