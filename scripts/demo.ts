// `npm run demo`: an offline end-to-end run of Storywatch against staged fixture feeds; `--exit` makes it a CI check.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import Parser from 'rss-parser'
import { CleanupStack } from './lib/cleanup-stack.ts'
import { DeliveryApi, type DeliveryDto, type DemoAlertDto } from './lib/demo-api.ts'
import { checkDelivery, checkDemo, summaryLine, type AtomObservation, type TickObservation } from './lib/demo-checks.ts'
import { loadDemoFixtures, renderFixture } from './lib/demo-fixtures.ts'
import { formatAlert, formatAlertHeadline, formatDeliveries, formatDigestPreview, formatFeedRequests, formatTickCounts, formatWebhookReceipts } from './lib/demo-report.ts'
import { ensureDevVars, readDevVar } from './lib/dev-vars.ts'
import { startFixtureServer } from './lib/fixture-server.ts'
import { freePort } from './lib/free-port.ts'
import { StorywatchApi, type ArticleDto, type HealthDto } from './lib/storywatch-api.ts'
import { formatTickLine, recentTicks, sendTick, validateCron, type Tick } from './lib/tick-driver.ts'
import { startWebhookReceiver } from './lib/webhook-receiver.ts'
import { parseWranglerCrons } from './lib/wrangler-crons.ts'
import { startLocalWorker } from './lib/wrangler-dev.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const READY_TIMEOUT_MS = 60_000
// The Worker may finish a tick's bookkeeping in waitUntil after the scheduled request has answered.
const HEALTH_WAIT_MS = 30_000
// Matches the */5 cron in wrangler.toml, so every replayed tick finds every feed due.
const FEED_INTERVAL_MINUTES = 5
const WRANGLER_LOG_LINES = 80
const DEFAULT_STORY = 'grooming-gangs-inquiry'
const DIGEST_EMAIL = 'demo@newsroom.example'
// The receiver refuses the first request with 503 so the demo shows a retry; the outbox's first retry comes after
// 5–6 s (src/delivery/delivery-schedule.ts), so the demo waits at most this long for it before one more tick.
const RECEIVER_FAIL_FIRST = 1
const RETRY_WAIT_MAX_MS = 30_000

const { values: flags } = parseArgs({
  options: { exit: { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false } },
})

const log = (line = ''): void => console.log(line)
const cleanup = new CleanupStack((line) => console.error(line))
const wranglerLog: string[] = []
let signalled = false
// Ctrl-C while the servers are up for browsing is the normal end; during the run it is an interruption.
let exitCodeOnSignal = 130

process.on('exit', () => cleanup.runAllSync())
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (signalled) {
      cleanup.runAllSync()
      process.exit(130)
    }
    signalled = true
    log(`\ndemo: ${signal}, stopping`)
    void cleanup.runAll().then(() => process.exit(exitCodeOnSignal))
  })
}
try {
  const ok = await runDemo()
  if (flags.exit) {
    await cleanup.runAll()
    process.exit(ok ? 0 : 1)
  }
  exitCodeOnSignal = ok ? 0 : 1
  log('\ndemo: servers stay up for the URLs above; Ctrl-C stops everything.')
} catch (error) {
  // An interrupted run fails in odd places (a closed socket, a dead child); the signal handler reports and exits.
  if (signalled) await new Promise(() => undefined)
  console.error(`\ndemo: ${(error as Error).message}`)
  if (wranglerLog.length > 0 && !flags.verbose) {
    // Offline, wrangler logs a failed Request.cf download with a stack on every start: noise, not the cause.
    const useful = wranglerLog.filter((line) => !/Request\.cf|getaddrinfo ENOTFOUND|^\s+at /.test(line))
    console.error(`\n--- last lines of wrangler dev ---\n${useful.slice(-50).join('\n')}\n---`)
  }
  await cleanup.runAll()
  process.exit(1)
}

/**
 * Runs the whole scenario and prints it; resolves with whether every expectation was met: those of stages.json for each
 * tick, and the delivery side (verified webhooks, the digest preview, the Atom alert feed).
 */
async function runDemo(): Promise<boolean> {
  if ((await ensureDevVars(ROOT)) === 'created') log('demo: created .dev.vars from .dev.vars.example')
  const token = await readDevVar(ROOT, 'API_TOKEN')
  const fixtures = await loadDemoFixtures(join(ROOT, 'fixtures', 'demo'))
  const { manifest } = fixtures
  const crons = parseWranglerCrons(await readFile(join(ROOT, 'wrangler.toml'), 'utf8'))
  const cron = crons[0]
  if (cron === undefined) throw new Error('wrangler.toml has no [triggers] crons to replay')
  validateCron(cron)

  // The stages stand for the last N cron minutes: fixture dates are rendered relative to the first of them, so every
  // item is dated in the past. The ticks themselves run at the wall clock (see nextTick).
  const baseTime = recentTicks(cron, manifest.stages.length, new Date())[0]?.at
  if (baseTime === undefined) throw new Error(`cron "${cron}" has no recent run to replay`)

  const feeds = await startFixtureServer(manifest.stages.length, (stage, baseUrl) => {
    const templates = fixtures.stageTemplates[stage - 1] ?? new Map<string, string>()
    return new Map([...templates].map(([file, text]) => [file, renderFixture(text, { baseTime, baseUrl })]))
  })
  cleanup.add('fixture server', () => feeds.close(), () => undefined)
  log(`demo: fixture feeds on ${feeds.baseUrl}`)

  const stateDir = await mkdtemp(join(tmpdir(), 'storywatch-demo-'))
  cleanup.add(
    'temporary state',
    () => rm(stateDir, { recursive: true, force: true }),
    () => rmSync(stateDir, { recursive: true, force: true }),
  )

  const receiver = await startWebhookReceiver({ failFirst: RECEIVER_FAIL_FIRST })
  cleanup.add('webhook receiver', () => receiver.close(), () => undefined)
  log(`demo: webhook receiver on ${receiver.url}`)

  const workerUrl = await startWorker(stateDir)
  const api = new StorywatchApi(workerUrl, token)
  const delivery = new DeliveryApi(workerUrl, token)

  log('\ndemo: registering feeds (POST /api/feeds)')
  for (const feed of manifest.feeds) {
    const url = `${feeds.baseUrl}/${feed.file}`
    const created = await api.createFeed({ url, title: feed.title, intervalMinutes: FEED_INTERVAL_MINUTES })
    log(`  201 ${created.id}  ${url}`)
  }
  feeds.takeRequests()

  log('demo: the newsroom registers a webhook (POST /api/webhooks) and a digest (POST /api/digests)')
  const webhook = await delivery.createWebhook({ url: receiver.url, format: 'standard' })
  receiver.setSecret(webhook.secret)
  log(`  201 ${webhook.id}  ${receiver.url} · format ${webhook.format} · all alert types · secret whsec_… (kept by the receiver)`)
  const digest = await delivery.createDigest({ email: DIGEST_EMAIL, schedule: 'hourly' })
  log(`  201 ${digest.id}  ${digest.email} · ${digest.schedule} · next digest ${digest.nextDigestAt}`)

  const observations: TickObservation[] = []
  const problems: string[] = []
  let lastTickAt = (await api.health()).lastTickAt
  let previousTick: Tick | null = null
  const alertIds = new Set<string>()
  const articleIds = new Set<string>()
  let articles: ArticleDto[] = []
  let alerts: DemoAlertDto[] = []
  for (const [index, stage] of manifest.stages.entries()) {
    const tick = nextTick(cron, previousTick)
    previousTick = tick
    feeds.setStage(index + 1)
    log(`\n── tick ${index + 1}/${manifest.stages.length} · stage ${index + 1}: ${stage.name}`)
    const outcome = await sendTick(workerUrl, tick, fetch)
    log(`   ${formatTickLine(tick, outcome, false)}`)
    const health = await waitForNextTick(api, lastTickAt)
    const healthAdvanced = health.lastTickAt !== null && health.lastTickAt !== lastTickAt
    lastTickAt = health.lastTickAt
    ;[alerts, articles] = await Promise.all([api.alerts() as Promise<DemoAlertDto[]>, api.articles()])
    const newAlerts = alerts.filter((alert) => !alertIds.has(alert.id)).reverse()
    const newArticles = articles.filter((article) => !articleIds.has(article.id))
    newAlerts.forEach((alert) => alertIds.add(alert.id))
    newArticles.forEach((article) => articleIds.add(article.id))

    log(`   ${formatTickCounts(health.lastTick)}`)
    log(`   fixture server: ${formatFeedRequests(feeds.takeRequests())}`)
    log(`   webhooks: ${formatWebhookTick(health)}`)
    log(`   articles listed: ${articles.length} (+${newArticles.length})`)
    log(newAlerts.length === 0 ? '   alerts: none new' : `   alerts: ${newAlerts.length} new`)
    for (const alert of newAlerts) log(`   ${formatAlertHeadline(alert)}`)
    observations.push({
      tickStatus: outcome.kind === 'response' ? outcome.status : null,
      healthAdvanced,
      counts: health.lastTick,
      newArticles,
      newAlerts,
    })
  }

  // Without a queue the outbox retries on a later tick: wait until the refused delivery is due, then run one more.
  let deliveries = await delivery.deliveries(webhook.id)
  const retryAt = pendingRetryAt(deliveries)
  if (retryAt !== null) {
    const waitMs = Math.max(0, retryAt - Date.now()) + 250
    log(`\n── retry tick · feeds unchanged; a delivery is due again at ${new Date(retryAt).toISOString().slice(11, 19)}Z, waiting ${(waitMs / 1000).toFixed(1)} s`)
    if (waitMs > RETRY_WAIT_MAX_MS) problems.push(`webhook: the retry is due in ${Math.round(waitMs / 1000)} s, more than the demo waits`)
    else {
      await new Promise((resolve) => setTimeout(resolve, waitMs))
      const tick = nextTick(cron, previousTick)
      const outcome = await sendTick(workerUrl, tick, fetch)
      log(`   ${formatTickLine(tick, outcome, false)}`)
      const health = await waitForNextTick(api, lastTickAt)
      if (outcome.kind !== 'response' || outcome.status !== 200) problems.push('retry tick: the scheduled event did not answer 200')
      if (health.lastTickAt === lastTickAt) problems.push('retry tick: GET /api/health did not report a new lastTickAt')
      log(`   fixture server: ${formatFeedRequests(feeds.takeRequests())}`)
      log(`   webhooks: ${formatWebhookTick(health)}`)
      const after = (await api.alerts()) as DemoAlertDto[]
      if (after.length !== alerts.length) problems.push(`retry tick: ${after.length - alerts.length} alert(s) raised with no feed change`)
      deliveries = await delivery.deliveries(webhook.id)
    }
  }

  const followUps = alerts.filter((alert) => alert.type === 'follow_up')
  const revisions = alerts.filter((alert) => alert.type === 'revision')
  log('\n══ What the newsroom got')
  log(`\nFollow-up alerts (${followUps.length}) on story "${DEFAULT_STORY}" tracked from the start (SEED_DEFAULT_STORY):`)
  for (const alert of [...followUps].reverse()) for (const line of formatAlert(alert)) log(`  ${line}`)
  log(`\nRevision alerts (${revisions.length}):`)
  for (const alert of [...revisions].reverse()) for (const line of formatAlert(alert)) log(`  ${line}`)

  const received = receiver.received()
  log(`\nWebhook ${webhook.id} → ${receiver.url}`)
  for (const line of formatWebhookReceipts(received)) log(`  ${line}`)
  log('  as Storywatch recorded them (GET /api/webhooks/:id/deliveries):')
  for (const line of formatDeliveries(deliveries)) log(`    ${line}`)

  const preview = await delivery.digestPreview(digest.id)
  log(`\nDigest preview for ${DIGEST_EMAIL} (GET /api/digests/${digest.id}/preview):`)
  if (preview === null) log('  nothing pending (404 digest_empty)')
  else for (const line of formatDigestPreview(preview)) log(`  ${line}`)

  const atom = await parseAtom(delivery)
  log(`\nAtom alert feed (GET /alerts.atom?token=…, parsed with rss-parser): ${atom.kind === 'parsed' ? `${atom.entryIds.length} entries` : `does not parse: ${atom.message}`}`)

  printUrls(workerUrl, manifest.feeds.map((feed) => `${feeds.baseUrl}/${feed.file}`), alerts, articles)
  problems.unshift(...checkDemo(manifest, observations))
  problems.push(...checkDelivery({ alerts, received, deliveries, preview, atom }))
  log()
  for (const problem of problems) log(`demo: ✗ ${problem}`)
  log(
    summaryLine(
      {
        feeds: manifest.feeds.length,
        articles: articles.length,
        revisionAlerts: revisions.length,
        followUpAlerts: followUps.length,
        webhooksVerified: received.filter((r) => r.verified).length,
        atomEntries: atom.kind === 'parsed' ? atom.entryIds.length : null,
      },
      problems,
    ),
  )
  return problems.length === 0
}

/**
 * The next tick, at the wall clock (and after the previous one). Not replayed cron minutes: an alert's `createdAt` is
 * its tick's scheduled time, and a webhook endpoint or a digest subscription takes only alerts created after it was
 * registered (and a digest preview only those up to now), so replayed past minutes would deliver nothing. The Worker
 * needs no gap between ticks: every demo feed is due on every tick (its interval is the cron period).
 */
function nextTick(cron: string, previous: Tick | null): Tick {
  const at = Math.max(Date.now(), (previous?.at.getTime() ?? 0) + 1)
  return { cron, at: new Date(at) }
}

/** When the last pending delivery is due again, or null when none is pending. */
function pendingRetryAt(deliveries: readonly DeliveryDto[]): number | null {
  const due = deliveries.filter((d) => d.status === 'pending' && d.nextAttemptAt !== null).map((d) => Date.parse(d.nextAttemptAt ?? ''))
  return due.length === 0 ? null : Math.max(...due)
}

/** `lastTick.webhooks` of GET /api/health on one line. */
function formatWebhookTick(health: HealthDto): string {
  const w = health.lastTick?.['webhooks'] as Record<string, unknown> | undefined
  if (!w) return 'no webhook summary in /api/health'
  const n = (key: string): string => (typeof w[key] === 'number' ? String(w[key]) : '?')
  const error = typeof w['error'] === 'string' ? ` · error: ${w['error']}` : ''
  return `${n('deliveriesCreated')} created · ${n('attempted')} attempted · ${n('delivered')} delivered · ${n('retrying')} retrying · ${n('failed')} failed${error}`
}

/** Fetches /alerts.atom as a feed reader would and parses it back with rss-parser. */
async function parseAtom(delivery: DeliveryApi): Promise<AtomObservation> {
  try {
    const xml = await delivery.alertsAtom()
    const feed = await new Parser<Record<string, unknown>, { id?: string }>().parseString(xml)
    return { kind: 'parsed', entryIds: feed.items.map((item) => item.id ?? item.guid ?? '') }
  } catch (error) {
    return { kind: 'error', message: (error as Error).message }
  }
}

/** Starts `wrangler dev` on free ports with throwaway state; resolves with its base URL once it answers. */
async function startWorker(stateDir: string): Promise<string> {
  log(`demo: starting wrangler dev (state in ${stateDir})`)
  const started = Date.now()
  const url = await startLocalWorker(
    {
      root: ROOT,
      stateDir,
      // HEARTBEAT_MINUTES 0: the demo shows every tick's counts.
      vars: { ALLOW_LOOPBACK_FEEDS: 'true', SEED_DEFAULT_FEEDS: 'false', SEED_DEFAULT_STORY: 'true', HEARTBEAT_MINUTES: '0' },
      cleanup,
      onLine: (line) => {
        wranglerLog.push(line)
        if (wranglerLog.length > WRANGLER_LOG_LINES) wranglerLog.shift()
        if (flags.verbose) log(`   wrangler │ ${line}`)
      },
      readyPath: '/',
      readyTimeoutMs: READY_TIMEOUT_MS,
      stillWanted: () => !signalled,
    },
    freePort,
  )
  log(`demo: Worker ready on ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return url
}

/** Polls /api/health until `lastTickAt` moves past `previous` (or the wait runs out); returns the last answer. */
async function waitForNextTick(api: StorywatchApi, previous: string | null): Promise<HealthDto> {
  const deadline = Date.now() + HEALTH_WAIT_MS
  for (;;) {
    const health = await api.health()
    if ((health.lastTickAt !== null && health.lastTickAt !== previous) || Date.now() >= deadline) return health
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

function printUrls(workerUrl: string, feedUrls: readonly string[], alerts: readonly DemoAlertDto[], articles: readonly ArticleDto[]): void {
  const revised = alerts.find((alert) => alert.type === 'revision')?.articleId ?? articles[0]?.id
  log('\nLook around (the token is API_TOKEN in .dev.vars; in a browser, sign in once at /login):')
  const pages: [string, string][] = [
    ['/login', 'sign in with the token (an HttpOnly cookie)'],
    ['/', 'recent changes, headline changes first'],
    [`/stories/${DEFAULT_STORY}`, 'the story: matches, follow-ups, why they matched'],
  ]
  if (revised) pages.push([`/articles/${encodeURIComponent(revised)}`, "a revised article's versions with inline diffs"])
  const width = Math.max(...pages.map(([path]) => path.length))
  for (const [path, what] of pages) log(`  ${workerUrl}${path.padEnd(width)}  ${what}`)
  log(`  TOKEN=$(sed -n 's/^API_TOKEN=//p' .dev.vars)`)
  log(`  curl "${workerUrl}/alerts.atom?token=$TOKEN"`)
  log(`  curl -H "Authorization: Bearer $TOKEN" ${workerUrl}/api/alerts`)
  log(`  curl -H "Authorization: Bearer $TOKEN" ${workerUrl}/api/webhooks`)
  log(`  curl -H "Authorization: Bearer $TOKEN" ${workerUrl}/api/digests`)
  log(`  curl -H "Authorization: Bearer $TOKEN" ${workerUrl}/api/health`)
  log(`  fixture feeds (final stage): ${feedUrls.join(' · ')}`)
}
