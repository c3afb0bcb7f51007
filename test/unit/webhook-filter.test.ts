// Which endpoint receives which alert (webhook-filter.ts): types, stories, feeds, significance.
import { describe, expect, it } from 'vitest'
import { endpointMayWant, endpointWantsAlert } from '../../src/delivery/webhook-filter'
import type { Alert } from '../../src/model/alert'

const base = { enabled: true, createdAt: '2030-01-01T00:00:00.000Z', types: null, storyIds: null, feedIds: null, minSignificance: null }
const revision: Alert = { id: 'rev_1', type: 'revision', createdAt: '2030-01-02T00:00:00.000Z', articleId: 'a1', feedId: 'feed1', title: 't', url: 'https://x.example/1', summary: 's', significance: 0.4 }
const followUp: Alert = { ...revision, id: 'fup_1', type: 'follow_up', significance: undefined, storyId: 'story-a', score: 0.7 }
const removed: Alert = { ...revision, id: 'rem_1', type: 'removed', significance: undefined, status: 410 }

describe('endpointWantsAlert', () => {
  it.each([
    ['no filters: everything', {}, revision, true],
    ['a disabled endpoint: nothing', { enabled: false }, revision, false],
    ['an alert older than the endpoint: not sent', { createdAt: '2030-01-03T00:00:00.000Z' }, revision, false],
    ['types: only the listed types', { types: ['follow_up'] }, revision, false],
    ['types: the listed type passes', { types: ['revision', 'removed'] }, removed, true],
    ['storyIds: a follow-up of another story is not sent', { storyIds: ['story-b'] }, followUp, false],
    ['storyIds: a follow-up of a listed story is sent', { storyIds: ['story-a'] }, followUp, true],
    ['storyIds: revisions are not story-bound and pass', { storyIds: ['story-b'] }, revision, true],
    ['feedIds: another feed is not sent', { feedIds: ['feed2'] }, revision, false],
    ['feedIds: applies to follow-ups too', { feedIds: ['feed1'] }, followUp, true],
    ['minSignificance: a revision below it is not sent', { minSignificance: 0.5 }, revision, false],
    ['minSignificance: a revision at it is sent', { minSignificance: 0.4 }, revision, true],
    ['minSignificance: compares a follow-up score', { minSignificance: 0.8 }, followUp, false],
    ['minSignificance: removals have no measure and pass', { minSignificance: 0.9 }, removed, true],
  ] as const)('%s', (_name, filters, alert, expected) => {
    expect(endpointWantsAlert({ ...base, ...filters, types: 'types' in filters ? [...filters.types] : null, storyIds: 'storyIds' in filters ? [...filters.storyIds] : null, feedIds: 'feedIds' in filters ? [...filters.feedIds] : null }, alert)).toBe(expected)
  })

  it('pre-filters on listing metadata without reading the alert', () => {
    expect(endpointMayWant({ ...base, types: ['removed'] }, { t: 'revision' })).toBe(false)
    expect(endpointMayWant({ ...base, storyIds: ['story-a'] }, { t: 'follow_up', s: 'story-b' })).toBe(false)
    expect(endpointMayWant({ ...base, storyIds: ['story-a'] }, { t: 'follow_up', s: 'story-a' })).toBe(true)
    expect(endpointMayWant(base, null)).toBe(true)
  })
})
