// Judges what the demo observed against fixtures/demo/stages.json (pure), so `demo --exit` is a real end-to-end check.
import type { DemoManifest } from './demo-fixtures.ts'
import type { AlertDto, ArticleDto, TickCountsDto } from './storywatch-api.ts'

/** What one tick of the demo produced, as seen through the API. */
export interface TickObservation {
  /** HTTP status of the scheduled-event request, or null when it failed outright. */
  tickStatus: number | null
  /** Whether /api/health reported a new `lastTickAt` after the tick. */
  healthAdvanced: boolean
  counts: TickCountsDto | null
  /** Articles and alerts listed after this tick that were not listed before it. */
  newArticles: ArticleDto[]
  newAlerts: AlertDto[]
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
  })
  return problems
}

/** The closing line: `demo: ok — 2 feeds, 10 articles, 2 revision alerts`, or the count of problems. */
export function summaryLine(feeds: number, articles: number, revisionAlerts: number, problems: readonly string[]): string {
  const totals = `${feeds} feeds, ${articles} articles, ${revisionAlerts} revision alerts`
  return problems.length === 0 ? `demo: ok — ${totals}` : `demo: FAILED — ${problems.length} problem(s); ${totals}`
}
