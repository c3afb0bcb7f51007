// Judges what the demo observed against fixtures/demo/stages.json (pure), so `demo --exit` is a real end-to-end check.
import type { DeliveryDto, DemoAlertDto, DigestPreviewDto } from './demo-api.ts'
import type { DemoManifest, DemoStage } from './demo-fixtures.ts'
import type { ArticleDto, TickCountsDto } from './storywatch-api.ts'
import type { ReceivedWebhook } from './webhook-receiver.ts'

/** What one tick of the demo produced, as seen through the API. */
export interface TickObservation {
  /** HTTP status of the scheduled-event request, or null when it failed outright. */
  tickStatus: number | null
  /** Whether /api/health reported a new `lastTickAt` after the tick. */
  healthAdvanced: boolean
  counts: TickCountsDto | null
  /** Articles and alerts listed after this tick that were not listed before it. */
  newArticles: ArticleDto[]
  newAlerts: DemoAlertDto[]
}

/** Same URL for our purposes: parsed and re-serialised, so `HTTPS://Host/a` equals `https://host/a`. */
function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href
  } catch {
    return a === b
  }
}

/** Returns one message per unmet expectation (empty: the demo saw what it should). */
export function checkDemo(manifest: DemoManifest, observations: readonly TickObservation[]): string[] {
  const problems: string[] = []
  manifest.stages.forEach((stage, index) => {
    const tick = `tick ${index + 1}`
    const seen = observations[index]
    if (!seen) {
      problems.push(`${tick}: never ran`)
      return
    }
    if (seen.tickStatus !== 200) problems.push(`${tick}: scheduled event answered ${seen.tickStatus ?? 'nothing'}, expected 200`)
    if (!seen.healthAdvanced) problems.push(`${tick}: GET /api/health did not report a new lastTickAt`)
    const failed = seen.counts?.failed
    if (typeof failed === 'number' && failed > 0) problems.push(`${tick}: ${failed} feed(s) failed`)
    if (seen.newArticles.length < stage.newArticles) {
      problems.push(`${tick}: ${seen.newArticles.length} new article(s) listed, expected at least ${stage.newArticles}`)
    }
    const revisions = seen.newAlerts.filter((alert) => alert.type === 'revision')
    if (revisions.length !== stage.revisions.length) {
      const what = revisions.map((a) => `${a.url} [${(a.changes ?? []).map((c) => c.field).join(', ')}]`).join('; ')
      problems.push(`${tick}: ${revisions.length} revision alert(s), expected ${stage.revisions.length}${what ? `: ${what}` : ''}`)
    }
    for (const expected of stage.revisions) {
      const alert = revisions.find((a) => sameUrl(a.url, expected.url))
      if (!alert) {
        problems.push(`${tick}: no revision alert for ${expected.url}`)
        continue
      }
      const fields = (alert.changes ?? []).map((change) => change.field)
      if (!fields.includes(expected.field)) {
        problems.push(`${tick}: revision alert ${alert.id} names [${fields.join(', ')}], expected "${expected.field}"`)
      }
    }
    problems.push(...checkFollowUps(tick, stage, seen))
  })
  return problems
}

/** The stage's follow-ups, exactly (story, first report, the other outlets), and no alert at all for its quiet articles. */
function checkFollowUps(tick: string, stage: DemoStage, seen: TickObservation): string[] {
  const problems: string[] = []
  const followUps = seen.newAlerts.filter((alert) => alert.type === 'follow_up')
  if (followUps.length !== stage.followUps.length) {
    const what = followUps.map((a) => `${a.url} [${a.storyId ?? 'no story'}]`).join('; ')
    problems.push(`${tick}: ${followUps.length} follow-up alert(s), expected ${stage.followUps.length}${what ? `: ${what}` : ''}`)
  }
  for (const expected of stage.followUps) {
    const alert = followUps.find((a) => sameUrl(a.url, expected.url))
    if (!alert) {
      const grouped = followUps.find((a) => (a.alsoReportedBy ?? []).some((m) => sameUrl(m.url, expected.url)))
      problems.push(`${tick}: no follow-up alert for ${expected.url}${grouped ? ` (it is listed under ${grouped.url} instead)` : ''}`)
      continue
    }
    if (alert.storyId !== expected.story) problems.push(`${tick}: follow-up alert ${alert.id} is for story "${alert.storyId ?? ''}", expected "${expected.story}"`)
    const others = (alert.alsoReportedBy ?? []).map((m) => m.url)
    const missing = expected.alsoReportedBy.filter((url) => !others.some((o) => sameUrl(o, url)))
    const extra = others.filter((url) => !expected.alsoReportedBy.some((e) => sameUrl(e, url)))
    if (missing.length > 0 || extra.length > 0) {
      problems.push(`${tick}: follow-up alert ${alert.id} lists alsoReportedBy [${others.join(', ')}], expected [${expected.alsoReportedBy.join(', ')}]`)
    }
  }
  for (const url of stage.quiet) {
    if (!seen.newArticles.some((a) => sameUrl(a.url, url))) problems.push(`${tick}: ${url} was never stored, so its silence proves nothing`)
    const noisy = seen.newAlerts.filter((a) => sameUrl(a.url, url) || (a.alsoReportedBy ?? []).some((m) => sameUrl(m.url, url)))
    for (const alert of noisy) {
      const why = alert.type === 'follow_up' ? ` on "${alert.storyId ?? ''}" (score ${alert.score ?? '?'})` : ''
      problems.push(`${tick}: ${url} must raise no alert, but raised ${alert.type} ${alert.id}${why}`)
    }
  }
  return problems
}

/** Atom parsed back by rss-parser, or why it could not be. */
export type AtomObservation = { kind: 'parsed'; entryIds: string[] } | { kind: 'error'; message: string }

/** What the demo saw on the delivery side after the ticks. */
export interface DeliveryObservation {
  /** Every alert raised (all after the webhook and the digest were registered). */
  alerts: readonly DemoAlertDto[]
  received: readonly ReceivedWebhook[]
  deliveries: readonly DeliveryDto[]
  /** The digest preview; null when the API said nothing is pending. */
  preview: DigestPreviewDto | null
  atom: AtomObservation
}

/** The alert types the demo must see delivered by webhook, at least one each. */
const WEBHOOK_TYPES_REQUIRED = ['follow_up', 'revision'] as const

/**
 * Returns one message per unmet delivery expectation: every webhook request verified by `standardwebhooks`, every
 * alert accepted by the receiver under one `webhook-id`, every delivery record delivered, a digest preview naming a
 * follow-up and a revision, and an Atom feed that parses with one entry per alert.
 */
export function checkDelivery(seen: DeliveryObservation): string[] {
  const problems: string[] = []
  seen.received.forEach((request, index) => {
    if (!request.verified) {
      problems.push(`webhook: request ${index + 1} (webhook-id ${request.webhookId ?? 'none'}) failed verification: ${request.error ?? 'unknown'}`)
    }
  })
  for (const type of WEBHOOK_TYPES_REQUIRED) {
    if (!seen.received.some((r) => r.verified && r.status === 200 && r.type === `alert.${type}`)) {
      problems.push(`webhook: no verified alert.${type} event was received`)
    }
  }
  for (const alert of seen.alerts) {
    const requests = seen.received.filter((r) => r.alertId === alert.id)
    if (!requests.some((r) => r.verified && r.status === 200)) {
      problems.push(`webhook: alert ${alert.id} (${alert.type}) never arrived verified and accepted (${requests.length} request(s))`)
    }
    const ids = new Set(requests.map((r) => r.webhookId))
    if (ids.size > 1) problems.push(`webhook: the attempts for alert ${alert.id} carried ${ids.size} different webhook-ids: ${[...ids].join(', ')}`)
  }
  for (const delivery of seen.deliveries) {
    if (delivery.status !== 'delivered') {
      problems.push(`webhook: delivery ${delivery.id} of alert ${delivery.alertId} is ${delivery.status}${delivery.failureReason ? `: ${delivery.failureReason}` : ''}`)
    }
  }

  if (seen.preview === null) problems.push('digest: GET /api/digests/:id/preview says nothing is pending')
  else {
    const { subject, text } = seen.preview
    if (!/follow-up/i.test(subject) || !/revision/i.test(subject)) problems.push(`digest: the subject does not count both follow-ups and revisions: "${subject}"`)
    for (const type of WEBHOOK_TYPES_REQUIRED) {
      const titles = seen.alerts.filter((a) => a.type === type).map((a) => a.title)
      if (titles.length > 0 && !titles.some((title) => text.includes(title))) problems.push(`digest: the text part names no ${type} alert (looked for "${titles[0]}")`)
    }
  }

  if (seen.atom.kind === 'error') problems.push(`atom: /alerts.atom does not parse: ${seen.atom.message}`)
  else {
    const ids = new Set(seen.atom.entryIds)
    if (seen.atom.entryIds.length !== seen.alerts.length) {
      problems.push(`atom: ${seen.atom.entryIds.length} entries, expected one per alert (${seen.alerts.length})`)
    }
    if (ids.size !== seen.atom.entryIds.length) problems.push('atom: entry ids are not unique')
    for (const alert of seen.alerts) {
      if (!ids.has(`urn:storywatch:alert:${alert.id}`)) problems.push(`atom: no entry urn:storywatch:alert:${alert.id}`)
    }
  }
  return problems
}

/** The totals of the closing line. */
export interface DemoTotals {
  feeds: number
  articles: number
  revisionAlerts: number
  followUpAlerts: number
  /** Webhook requests received and verified. */
  webhooksVerified: number
  atomEntries: number | null
}

/** The closing line: `demo: ok — 2 feeds, 13 articles, 2 revision alerts, …`, or the count of problems. */
export function summaryLine(totals: DemoTotals, problems: readonly string[]): string {
  const parts = [
    `${totals.feeds} feeds`,
    `${totals.articles} articles`,
    `${totals.revisionAlerts} revision alerts`,
    `${totals.followUpAlerts} follow-up alerts`,
    `${totals.webhooksVerified} webhooks verified`,
    `${totals.atomEntries ?? 'no'} Atom entries`,
  ].join(', ')
  return problems.length === 0 ? `demo: ok — ${parts}` : `demo: FAILED — ${problems.length} problem(s); ${parts}`
}
