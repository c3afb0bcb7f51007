// Tests for how the demo prints alerts and judges what it saw.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { DeliveryDto, DemoAlertDto } from '../lib/demo-api.ts'
import { checkDelivery, checkDemo, summaryLine, type DeliveryObservation, type TickObservation } from '../lib/demo-checks.ts'
import type { DemoManifest } from '../lib/demo-fixtures.ts'
import { formatAlert, formatDigestPreview, formatFeedRequests, formatTickCounts, formatWebhookReceipts, renderOps } from '../lib/demo-report.ts'
import type { AlertDto, ArticleDto } from '../lib/storywatch-api.ts'
import type { ReceivedWebhook } from '../lib/webhook-receiver.ts'

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

const followUp = (url: string, others: string[] = []): DemoAlertDto => ({
  id: `alert-${url.slice(-1)}`,
  type: 'follow_up',
  createdAt: '2026-05-07T21:05:00Z',
  articleId: 'a2',
  title: 'Home Secretary confirms Oldham will be first area examined by grooming gangs inquiry',
  url,
  summary: 'Follow-up on "Grooming gangs national inquiry" (score 1.00)',
  storyId: 'grooming-gangs-inquiry',
  storyTitle: 'Grooming gangs national inquiry',
  score: 0.998,
  explanation: { terms: ['gangs', 'grooming'], entities: ['Oldham'], phrases: ['grooming gangs', 'national inquiry'] },
  alsoReportedBy: others.map((u, i) => ({ articleId: `o${i}`, feedId: 'f2', title: `Copy ${i + 1}`, url: u, firstSeenAt: '2026-05-07T21:05:00Z' })),
})

describe('formatAlert for follow-ups', () => {
  it('says which story, how strongly, why, and who else reported it', () => {
    assert.deepEqual(formatAlert(followUp('https://n.example/f', ['https://w.example/f'])), [
      '▸ follow_up · Home Secretary confirms Oldham will be first area examined by grooming gangs inquiry',
      '  https://n.example/f',
      '  story: "Grooming gangs national inquiry" (grooming-gangs-inquiry) · score 1.00',
      '  why: phrases "grooming gangs", "national inquiry"',
      '       names Oldham',
      '       terms gangs, grooming',
      '  also reported by: Copy 1',
      '                     https://w.example/f',
    ])
  })

  it('says so when no other outlet reported it', () => {
    assert.equal(formatAlert(followUp('https://n.example/f')).at(-1), '  also reported by: no other outlet')
  })
})

const receipt = (over: Partial<ReceivedWebhook>): ReceivedWebhook => ({
  webhookId: 'msg_1',
  type: 'alert.follow_up',
  alertId: 'alert-f',
  verified: true,
  error: null,
  status: 200,
  receivedAt: new Date('2026-05-07T21:05:00Z'),
  ...over,
})

describe('formatWebhookReceipts', () => {
  it('lists every request and shows that a retry kept its webhook-id', () => {
    assert.deepEqual(
      formatWebhookReceipts([
        receipt({ webhookId: 'msg_2', type: 'alert.revision', status: 503, error: 'failing on purpose' }),
        receipt({}),
        receipt({ webhookId: 'msg_2', type: 'alert.revision' }),
      ]),
      [
        '3 request(s), 3 verified with standardwebhooks Webhook.verify; types: alert.follow_up, alert.revision',
        '503 ✓ verified · alert.revision · webhook-id msg_2 · failing on purpose',
        '200 ✓ verified · alert.follow_up · webhook-id msg_1',
        '200 ✓ verified · alert.revision · webhook-id msg_2',
        'retried: msg_2 answered 503 then 200, the same webhook-id each time',
      ],
    )
  })

  it('flags a request that failed verification', () => {
    assert.equal(formatWebhookReceipts([receipt({ verified: false, status: 401, error: 'No matching signature found' })])[1], '401 ✗ NOT verified (No matching signature found) · alert.follow_up · webhook-id msg_1')
  })
})

describe('formatDigestPreview', () => {
  it('outlines the text part: opening line, section headings, items, other outlets and headline changes', () => {
    const text = [
      'Storywatch: 1 follow-up on "G", 1 revision',
      '',
      'Alerts from 21:00 to 21:05.',
      '',
      'Follow-ups on "G"',
      '=================',
      '',
      '* Oldham first',
      '  https://n.example/f',
      '  Also reported by: w.example <https://w.example/f>',
      '',
      'Revisions',
      '=========',
      '',
      '* [HEADLINE] NHS list',
      '  Was: old',
      '  Now: new',
      '  significance 80%',
      '--',
      'Unsubscribe: https://x/u',
    ].join('\n')
    assert.deepEqual(formatDigestPreview({ id: 'd', subject: 'Storywatch: 1 follow-up on "G", 1 revision', text, html: '<p>x</p>' }), [
      'subject: Storywatch: 1 follow-up on "G", 1 revision',
      '│ Alerts from 21:00 to 21:05.',
      '│ Follow-ups on "G":',
      '│ * Oldham first',
      '│   Also reported by: w.example <https://w.example/f>',
      '│ Revisions:',
      '│ * [HEADLINE] NHS list',
      '│   Was: old',
      '│   Now: new',
      '(20 lines of text, 8 bytes of HTML)',
    ])
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
      { name: 'first', newArticles: 2, revisions: [], followUps: [], quiet: [] },
      {
        name: 'edit',
        newArticles: 0,
        revisions: [{ url: 'https://n.example/a', field: 'title' }],
        followUps: [],
        quiet: [],
      },
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
    const totals = { feeds: 2, articles: 13, revisionAlerts: 2, followUpAlerts: 2, webhooksVerified: 5, atomEntries: 4 }
    assert.equal(summaryLine(totals, []), 'demo: ok — 2 feeds, 13 articles, 2 revision alerts, 2 follow-up alerts, 5 webhooks verified, 4 Atom entries')
    assert.equal(
      summaryLine({ ...totals, atomEntries: null }, ['x']),
      'demo: FAILED — 1 problem(s); 2 feeds, 13 articles, 2 revision alerts, 2 follow-up alerts, 5 webhooks verified, no Atom entries',
    )
  })
})

describe('checkDemo for story follow-ups', () => {
  const manifest: DemoManifest = {
    feeds: [{ file: 'a.xml', title: 'A' }],
    stages: [
      {
        name: 'news',
        newArticles: 3,
        revisions: [],
        followUps: [{ story: 'grooming-gangs-inquiry', url: 'https://n.example/f', alsoReportedBy: ['https://w.example/f'] }],
        quiet: ['https://w.example/reform'],
      },
    ],
  }
  const article = (url: string): ArticleDto => ({ id: url, url, title: url, feedIds: ['f'], publishedAt: null, firstSeenAt: '', lastChangedAt: '', versionCount: 1 })
  const articles = ['https://n.example/f', 'https://w.example/f', 'https://w.example/reform'].map(article)
  const tick = (newAlerts: DemoAlertDto[], newArticles = articles): TickObservation => ({ tickStatus: 200, healthAdvanced: true, counts: { failed: 0 }, newArticles, newAlerts })

  it('passes with one alert for the development listing the other outlet, and silence for the hard negative', () => {
    assert.deepEqual(checkDemo(manifest, [tick([followUp('https://n.example/f', ['https://w.example/f'])])]), [])
  })

  it('names a missing grouping, a wrong story and an alert on the hard negative', () => {
    const wrongStory = { ...followUp('https://n.example/f'), storyId: 'other' }
    const noisy = { ...followUp('https://w.example/reform'), id: 'alert-reform', score: 0.61 }
    assert.deepEqual(checkDemo(manifest, [tick([wrongStory, noisy])]), [
      'tick 1: 2 follow-up alert(s), expected 1: https://n.example/f [other]; https://w.example/reform [grooming-gangs-inquiry]',
      'tick 1: follow-up alert alert-f is for story "other", expected "grooming-gangs-inquiry"',
      'tick 1: follow-up alert alert-f lists alsoReportedBy [], expected [https://w.example/f]',
      'tick 1: https://w.example/reform must raise no alert, but raised follow_up alert-reform on "grooming-gangs-inquiry" (score 0.61)',
    ])
  })

  it('says when the expected first report was grouped under another one', () => {
    const swapped = followUp('https://w.example/f', ['https://n.example/f'])
    assert.deepEqual(checkDemo(manifest, [tick([swapped])]).slice(0, 1), ['tick 1: no follow-up alert for https://n.example/f (it is listed under https://w.example/f instead)'])
  })

  it('does not count a hard negative as silent when it was never stored', () => {
    const stored = articles.slice(0, 2)
    assert.deepEqual(checkDemo(manifest, [tick([followUp('https://n.example/f', ['https://w.example/f'])], stored)]).at(-1), 'tick 1: https://w.example/reform was never stored, so its silence proves nothing')
  })
})

describe('checkDelivery', () => {
  const rev: DemoAlertDto = { ...revision('https://n.example/a', 'title'), id: 'alert-r' }
  const fu = followUp('https://n.example/f')
  const delivered = (id: string, alertId: string): DeliveryDto => ({ id, alertId, type: 'alert.x', status: 'delivered', nextAttemptAt: null, failureReason: null, attempts: [] })
  const good: DeliveryObservation = {
    alerts: [rev, fu],
    received: [
      receipt({ webhookId: 'msg_r', type: 'alert.revision', alertId: 'alert-r', status: 503 }),
      receipt({ webhookId: 'msg_f', alertId: fu.id }),
      receipt({ webhookId: 'msg_r', type: 'alert.revision', alertId: 'alert-r' }),
    ],
    deliveries: [delivered('msg_r', 'alert-r'), delivered('msg_f', fu.id)],
    preview: { id: 'd', subject: 'Storywatch: 1 follow-up on "G", 1 revision', text: `${fu.title}\n${rev.title}`, html: '' },
    atom: { kind: 'parsed', entryIds: ['urn:storywatch:alert:alert-r', `urn:storywatch:alert:${fu.id}`] },
  }

  it('passes when every alert arrived verified, the digest names both kinds and the Atom feed has one entry per alert', () => {
    assert.deepEqual(checkDelivery(good), [])
  })

  it('names every shortfall', () => {
    const seen: DeliveryObservation = {
      alerts: [rev, fu],
      received: [
        receipt({ webhookId: 'msg_r', type: 'alert.revision', alertId: 'alert-r' }),
        receipt({ webhookId: 'msg_r2', type: 'alert.revision', alertId: 'alert-r', verified: false, status: 401, error: 'No matching signature found' }),
      ],
      deliveries: [delivered('msg_r', 'alert-r'), { ...delivered('msg_f', fu.id), status: 'pending' }],
      preview: { id: 'd', subject: 'Storywatch: 1 revision', text: rev.title, html: '' },
      atom: { kind: 'parsed', entryIds: ['urn:storywatch:alert:alert-r'] },
    }
    assert.deepEqual(checkDelivery(seen), [
      'webhook: request 2 (webhook-id msg_r2) failed verification: No matching signature found',
      'webhook: no verified alert.follow_up event was received',
      'webhook: the attempts for alert alert-r carried 2 different webhook-ids: msg_r, msg_r2',
      `webhook: alert ${fu.id} (follow_up) never arrived verified and accepted (0 request(s))`,
      `webhook: delivery msg_f of alert ${fu.id} is pending`,
      'digest: the subject does not count both follow-ups and revisions: "Storywatch: 1 revision"',
      `digest: the text part names no follow_up alert (looked for "${fu.title}")`,
      'atom: 1 entries, expected one per alert (2)',
      `atom: no entry urn:storywatch:alert:${fu.id}`,
    ])
  })

  it('reports an empty digest and an Atom feed that does not parse', () => {
    assert.deepEqual(checkDelivery({ ...good, preview: null, atom: { kind: 'error', message: 'Unexpected close tag' } }), [
      'digest: GET /api/digests/:id/preview says nothing is pending',
      'atom: /alerts.atom does not parse: Unexpected close tag',
    ])
  })
})
