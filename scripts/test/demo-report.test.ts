// Tests for how the demo prints alerts and judges what it saw.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkDemo, summaryLine, type TickObservation } from '../lib/demo-checks.ts'
import type { DemoManifest } from '../lib/demo-fixtures.ts'
import { formatAlert, formatFeedRequests, formatTickCounts, renderOps } from '../lib/demo-report.ts'
import type { AlertDto, ArticleDto } from '../lib/storywatch-api.ts'

describe('renderOps', () => {
  it('marks deletions and insertions the way git --word-diff does', () => {
    assert.equal(
      renderOps([
        { op: 'equal', text: 'compel witnesses' },
        { op: 'delete', text: ', the Home Office said.' },
        { op: 'insert', text: ' and must report, the Home Office has confirmed.' },
      ]),
      'compel witnesses[-, the Home Office said.-] {+and must report, the Home Office has confirmed.+}',
    )
  })

  it('elides long unchanged runs but keeps the words next to each change', () => {
    const long = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen'
    assert.equal(
      renderOps([{ op: 'equal', text: `${long} ` }, { op: 'insert', text: 'new' }, { op: 'equal', text: ` ${long}` }], 2),
      '… fifteen sixteen {+new+} one two …',
    )
  })

  it('keeps short unchanged runs whole', () => {
    assert.equal(renderOps([{ op: 'equal', text: 'a b ' }, { op: 'delete', text: 'c' }, { op: 'equal', text: ' d e' }], 2), 'a b [-c-] d e')
  })
})

const revision = (url: string, field: string): AlertDto => ({
  id: `alert-${field}`,
  type: 'revision',
  createdAt: '2026-05-07T21:05:00Z',
  articleId: 'a1',
  title: 'NHS waiting list falls for third month but remains above 7 million',
  url,
  summary: '',
  changes: [
    {
      field,
      before: 'NHS waiting list falls for third month in a row',
      after: 'NHS waiting list falls for third month but remains above 7 million',
      ops: null,
      wordsAdded: 5,
      wordsRemoved: 3,
    },
  ],
})

describe('formatAlert', () => {
  it('shows a headline change as before → after', () => {
    assert.deepEqual(formatAlert(revision('https://n.example/a', 'title')), [
      '▸ revision · NHS waiting list falls for third month but remains above 7 million',
      '  https://n.example/a',
      '  headline: "NHS waiting list falls for third month in a row"',
      '          → "NHS waiting list falls for third month but remains above 7 million"',
    ])
  })

  it('shows a summary change as a word diff with counts', () => {
    const alert: AlertDto = {
      ...revision('https://n.example/b', 'summary'),
      changes: [{ field: 'summary', before: 'a b', after: 'a c', ops: [{ op: 'equal', text: 'a ' }, { op: 'delete', text: 'b' }, { op: 'insert', text: 'c' }], wordsAdded: 1, wordsRemoved: 1 }],
    }
    assert.equal(formatAlert(alert)[2], '  standfirst (+1 −1 words): a [-b-]{+c+}')
  })
})

describe('formatTickCounts and formatFeedRequests', () => {
  it('prints known counts in pipeline order and unknown numeric ones after them', () => {
    assert.equal(
      formatTickCounts({ feedsDue: 2, feedsPolled: 2, notModified: 1, unchanged: 0, updated: 1, failed: 0, articlesNew: 1, articlesRevised: 1, alertsRaised: 1, backingOff: 0, cron: '*/5 * * * *' }),
      'feeds due 2 · polled 2 · not modified 1 · unchanged 0 · updated 1 · failed 0 | new articles 1 · revised 1 · alerts raised 1 · backingOff 0',
    )
  })

  it('makes a conditional GET visible', () => {
    assert.equal(
      formatFeedRequests([{ method: 'GET', path: '/politics.xml', status: 304, conditional: true }]),
      'GET /politics.xml → 304 (If-None-Match hit)',
    )
  })
})

describe('checkDemo', () => {
  const manifest: DemoManifest = {
    feeds: [{ file: 'a.xml', title: 'A' }],
    stages: [
      { name: 'first', newArticles: 2, revisions: [] },
      { name: 'edit', newArticles: 0, revisions: [{ url: 'https://n.example/a', field: 'title' }] },
    ],
  }
  const article = (id: string): ArticleDto => ({ id, url: `https://n.example/${id}`, title: id, feedIds: ['f'], publishedAt: null, firstSeenAt: '', lastChangedAt: '', versionCount: 1 })
  const tick = (over: Partial<TickObservation>): TickObservation => ({ tickStatus: 200, healthAdvanced: true, counts: { failed: 0 }, newArticles: [], newAlerts: [], ...over })

  it('passes when every stage produced what stages.json expects', () => {
    const seen = [tick({ newArticles: [article('a'), article('b')] }), tick({ newAlerts: [revision('https://n.example/a', 'title')] })]
    assert.deepEqual(checkDemo(manifest, seen), [])
  })

  it('names every shortfall', () => {
    const seen = [
      tick({ tickStatus: 500, newArticles: [article('a')], counts: { failed: 1 } }),
      tick({ healthAdvanced: false, newAlerts: [revision('https://n.example/a', 'content'), revision('https://n.example/z', 'title')] }),
    ]
    assert.deepEqual(checkDemo(manifest, seen), [
      'tick 1: scheduled event answered 500, expected 200',
      'tick 1: 1 feed(s) failed',
      'tick 1: 1 new article(s) listed, expected at least 2',
      'tick 2: GET /api/health did not report a new lastTickAt',
      'tick 2: 2 revision alert(s), expected 1: https://n.example/a [content]; https://n.example/z [title]',
      'tick 2: revision alert alert-content names [content], expected "title"',
    ])
  })

  it('reports ticks that never ran', () => {
    assert.deepEqual(checkDemo(manifest, []), ['tick 1: never ran', 'tick 2: never ran'])
  })

  it('closes with one summary line', () => {
    assert.equal(summaryLine(2, 10, 2, []), 'demo: ok — 2 feeds, 10 articles, 2 revision alerts')
    assert.equal(summaryLine(2, 7, 0, ['x']), 'demo: FAILED — 1 problem(s); 2 feeds, 7 articles, 0 revision alerts')
  })
})
