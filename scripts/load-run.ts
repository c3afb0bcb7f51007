// `npm run load`: N generated feeds polled through the FEED_QUEUE consumer under `wrangler dev`; writes bench/LOAD.md.
import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { basename, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { ChildProcess } from 'node:child_process'
import { CleanupStack } from './lib/cleanup-stack.ts'
import { startFixtureServer, type FixtureServer } from './lib/fixture-server.ts'
import { freePort } from './lib/free-port.ts'
import { kvCountingShim, loadWranglerConfig } from './lib/load-config.ts'
import { LOAD_FEED_ITEMS, loadFeedFiles, loadFeedPath, loadImportOpml } from './lib/load-feeds.ts'
import { newConsumerTally, tallyLine, type ConsumerTally, type KvOps } from './lib/load-log.ts'
import { heapUsage, inspectorTarget, InspectorSession, sampleHeap } from './lib/load-inspector.ts'
import { readPeaks, resetPeaks, workerdPids } from './lib/load-proc.ts'
import { mergeResults, passed, readStoredResults, renderLoadMarkdown, type LoadSizeResult, type LoadTickResult } from './lib/load-report.ts'
import { StorywatchApi, type HealthDto } from './lib/storywatch-api.ts'
import { recentTicks, sendTick, validateCron, type Tick } from './lib/tick-driver.ts'
import { parseWranglerCrons } from './lib/wrangler-crons.ts'
import { signalGroup, spawnWrangler, stopProcessGroup, waitForHttp, wranglerDevArgs } from './lib/wrangler-dev.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ENTRY = join(ROOT, 'src', 'index.ts')
const LOAD_MD = join(ROOT, 'bench', 'LOAD.md')
const DEFAULT_SIZES = [100, 500, 1000, 2000]
const READY_TIMEOUT_MS = 90_000
// The heartbeat is written at the end of the scheduled handler; the request has answered by then, so this is a margin.
const HEALTH_WAIT_MS = 30_000
// Longer than max_batch_timeout (1 s): no batch line for this long after the last feed means the consumer is done.
const QUIET_MS = 3_000
const POLL_MS = 50
// A tick may take this long before it fails: a fixed start-up share plus a per-feed allowance far above what we measure.
const TICK_BASE_TIMEOUT_MS = 60_000
const TICK_PER_FEED_TIMEOUT_MS = 150
// How often the isolate's heap is sampled during a tick.
const HEAP_SAMPLE_MS = 250
const BUILD_TIMEOUT_MS = 120_000
// Wrangler lines kept for the failure report.
const WRANGLER_LOG_LINES = 120

const { values: flags } = parseArgs({
  options: {
    feeds: { type: 'string' },
    'tick-timeout': { type: 'string' },
    'max-minutes': { type: 'string', default: '30' },
    'no-kv-shim': { type: 'boolean', default: false },
    'no-heap': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
})

const log = (line = ''): void => console.log(line)
// `--feeds 2000` runs one size; `--feeds 100,500` several.
const sizes = flags.feeds === undefined ? DEFAULT_SIZES : flags.feeds.split(',').map((n) => positiveInt('--feeds', n.trim()))
const tickTimeoutOverrideMs = flags['tick-timeout'] === undefined ? null : positiveInt('--tick-timeout', flags['tick-timeout']) * 1000
const maxMs = positiveInt('--max-minutes', flags['max-minutes']) * 60_000
const useShim = !flags['no-kv-shim']

let active: CleanupStack | null = null
let tally: ConsumerTally = newConsumerTally()
const wranglerLog: string[] = []
let stopping = false

process.on('exit', () => active?.runAllSync())
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      active?.runAllSync()
      process.exit(130)
    }
    stopping = true
    log(`\nload: ${signal}, stopping`)
    void (active?.runAll() ?? Promise.resolve()).then(() => process.exit(130))
  })
}
// The run must end by itself: past the deadline, everything is stopped and the run fails.
const deadline = setTimeout(() => {
  stopping = true
  console.error(`\nload: FAIL: still running after ${maxMs / 60_000} min (--max-minutes); stopping`)
  void (active?.runAll() ?? Promise.resolve()).then(() => process.exit(1))
}, maxMs)

// The expected feed paths, built once per size (the server's own map is private to it).
const pathSets = new Map<number, Set<string>>()
const results: LoadSizeResult[] = []
let exitCode = 0
try {
  for (const feeds of sizes) {
    const result = await runSize(feeds)
    results.push(result)
    log(`load: N = ${feeds}: ${passed(result) ? 'PASS' : 'FAIL'}`)
    if (!passed(result)) {
      exitCode = 1
      if (sizes.indexOf(feeds) < sizes.length - 1) log('load: stopping before the larger sizes (this one failed)')
      break
    }
  }
} catch (error) {
  if (stopping) await new Promise(() => undefined) // the signal or deadline handler reports and exits
  console.error(`\nload: ${(error as Error).message}`)
  printWranglerTail()
  exitCode = 1
}
// runSize has already cleaned up after itself on every way out; only the deadline is left.
clearTimeout(deadline)
if (results.length > 0) {
  if (!flags['no-write']) {
    const stored = readStoredResults(await readFile(LOAD_MD, 'utf8').catch(() => null))
    await writeFile(LOAD_MD, renderLoadMarkdown(mergeResults(stored, results)))
    log(`\nload: wrote ${LOAD_MD}`)
  }
  printSummary(results)
}
process.exit(exitCode)

/** One size from scratch: feed server, temporary config and state, wrangler dev, import, two ticks; always cleaned up. */
async function runSize(feeds: number): Promise<LoadSizeResult> {
  const cleanup = new CleanupStack((line) => console.error(line))
  active = cleanup
  try {
    return await measureSize(feeds, cleanup)
  } finally {
    await cleanup.runAll()
    active = null
  }
}

async function measureSize(feeds: number, cleanup: CleanupStack): Promise<LoadSizeResult> {
  log(`\n── N = ${feeds} feeds`)
  const crons = parseWranglerCrons(await readFile(join(ROOT, 'wrangler.toml'), 'utf8'))
  const cron = crons[0]
  if (cron === undefined) throw new Error('wrangler.toml has no [triggers] crons to replay')
  validateCron(cron)

  const files = loadFeedFiles(feeds)
  const server = await startFixtureServer(1, () => files)
  cleanup.add('feed server', () => server.close(), () => undefined)

  const dir = await mkdtemp(join(tmpdir(), `storywatch-load-${feeds}-`))
  cleanup.add('temporary directory', () => rm(dir, { recursive: true, force: true }), () => rmSync(dir, { recursive: true, force: true }))
  const token = randomBytes(24).toString('hex')
  const entry = useShim ? join(dir, 'load-entry.js') : ENTRY
  if (useShim) await writeFile(entry, kvCountingShim(ENTRY))
  const toml = await readFile(join(ROOT, 'wrangler.toml'), 'utf8')
  // Bundled once, then served with no_bundle: wrangler dev watches the sources of what it bundles, and others edit src/
  // while this runs; a reload mid-tick would drop the queue's backlog and mix two versions of the Worker.
  const buildConfig = join(dir, 'wrangler.build.toml')
  await writeFile(buildConfig, loadWranglerConfig(toml, entry))
  const bundleDir = join(dir, 'bundle')
  await buildWorker(buildConfig, bundleDir, cleanup)
  const configPath = join(dir, 'wrangler.toml')
  await writeFile(configPath, loadWranglerConfig(toml, join(bundleDir, basename(entry).replace(/\.ts$/, '.js')), { noBundle: true }))
  // wrangler dev reads secrets from the .dev.vars next to the config: a throwaway token for this run only.
  await writeFile(join(dir, '.dev.vars'), `API_TOKEN=${token}\n`)

  const started = Date.now()
  const { url, wrangler, inspectorPort } = await startWorker(dir, configPath, cleanup)
  const startS = (Date.now() - started) / 1000
  log(`load: Worker ready on ${url} in ${startS.toFixed(1)} s; feeds on ${server.baseUrl}`)
  const api = new StorywatchApi(url, token)

  const importStarted = Date.now()
  const imported = await importFeeds(url, token, loadImportOpml(server.baseUrl, feeds))
  const importS = (Date.now() - importStarted) / 1000
  const problems: string[] = []
  if (imported.refused.length > 0) {
    const first = imported.refused.slice(0, 3).map((r) => `${r.code}: ${r.message} (${r.url})`)
    problems.push(`POST /api/feeds/import refused ${imported.refused.length} of ${feeds} feeds, e.g. ${first.join('; ')}`)
  }
  if (imported.added !== feeds) problems.push(`POST /api/feeds/import added ${imported.added} feeds, expected ${feeds} (${imported.duplicates} duplicates)`)
  log(`load: imported ${imported.added} feeds in ${importS.toFixed(2)} s (${imported.refused.length} refused, ${imported.duplicates} duplicates)`)
  server.takeRequests()

  const base: Omit<LoadSizeResult, 'ticks' | 'problems'> = {
    feeds,
    measuredAt: new Date().toISOString(),
    machine: machineLabel(),
    node: process.version,
    kvShim: useShim,
    startS,
    importS,
    refused: imported.refused.length,
    loadAverage: loadavg()[0] ?? null,
  }
  if (problems.length > 0) return { ...base, ticks: [], problems }

  const { inspector, inspectorError } = flags['no-heap']
    ? { inspector: null, inspectorError: 'not sampled (--no-heap)' }
    : await openInspector(inspectorPort, cleanup)
  if (inspectorError) log(`load: the isolate's heap will not be sampled: ${inspectorError}`)

  const ticks: LoadTickResult[] = []
  let lastTickAt = (await api.health()).lastTickAt
  for (const [index, tick] of recentTicks(cron, 2, new Date()).entries()) {
    // Tick 2 gets 304s, except from feeds whose first poll left items for later (an invocation's 1,000 KV operations):
    // those cleared their validators and read the body again.
    const expected = index === 0 ? ['200'] : ['304', '200']
    const result = await runTick(index + 1, tick, expected, { feeds, url, api, server, wrangler, lastTickAt, inspector, inspectorError })
    lastTickAt = result.lastTickAt
    ticks.push(result.tick)
    log(tickLine(feeds, result.tick))
    for (const problem of result.tick.problems) log(`   ✗ ${problem}`)
    if (result.tick.allPolledS === null) break // timed out: the next tick would only measure the backlog
  }
  // Nothing lost: every item of every feed is recorded by the end of tick 2.
  const recorded = ticks.reduce((n, t) => n + (t.consumer.counts.new ?? 0), 0)
  if (ticks.length === 2 && recorded !== feeds * LOAD_FEED_ITEMS) problems.push(`${recorded} of ${feeds * LOAD_FEED_ITEMS} articles recorded over the two ticks`)
  return { ...base, ticks, problems }
}

/** A DevTools session on the Worker's isolate, or why there is none (the run goes on without heap figures). */
async function openInspector(port: number, cleanup: CleanupStack): Promise<{ inspector: InspectorSession | null; inspectorError: string | null }> {
  let session: InspectorSession | null = null
  try {
    const target = await inspectorTarget(port)
    if (target === null) throw new Error(`inspector: no target listed on port ${port}`)
    session = await InspectorSession.connect(target)
    await heapUsage(session)
    const open = session
    cleanup.add('inspector session', async () => open.close(), () => open.close())
    return { inspector: session, inspectorError: null }
  } catch (error) {
    session?.close()
    return { inspector: null, inspectorError: (error as Error).message }
  }
}

interface TickContext {
  feeds: number
  url: string
  api: StorywatchApi
  server: FixtureServer
  wrangler: ChildProcess
  lastTickAt: string | null
  inspector: InspectorSession | null
  inspectorError: string | null
}

/** Fires one tick and watches it through: every feed requested, the consumer quiet, the heartbeat, peak memory. */
async function runTick(number: number, tick: Tick, expectedStatuses: readonly string[], ctx: TickContext): Promise<{ tick: LoadTickResult; lastTickAt: string | null }> {
  const timeoutMs = tickTimeoutOverrideMs ?? TICK_BASE_TIMEOUT_MS + ctx.feeds * TICK_PER_FEED_TIMEOUT_MS
  const pids = ctx.wrangler.pid === undefined ? [] : workerdPids(ctx.wrangler.pid)
  const baselines = resetPeaks(pids)
  tally = newConsumerTally()
  const perPath = new Map<string, number>()
  const statuses: Record<string, number> = {}
  const strays: string[] = []
  let requests = 0
  const take = (): void => {
    for (const request of ctx.server.takeRequests()) {
      requests++
      statuses[String(request.status)] = (statuses[String(request.status)] ?? 0) + 1
      const path = request.path.slice(1)
      if (files(ctx.feeds).has(path)) perPath.set(path, (perPath.get(path) ?? 0) + 1)
      else if (strays.length < 5) strays.push(`${request.method} ${request.path} → ${request.status}`)
    }
  }

  let heapError = ctx.inspectorError
  if (ctx.inspector) {
    // Start from a collected heap, so the peak is this tick's and not the garbage of the import or the last tick.
    await ctx.inspector.call('HeapProfiler.collectGarbage', {}, 30_000).catch((error: Error) => {
      heapError = error.message
    })
  }
  const sampler = ctx.inspector ? sampleHeap(ctx.inspector, HEAP_SAMPLE_MS) : null
  const sent = Date.now()
  const tickDone = sendTick(ctx.url, tick, fetch)
  let allPolledAt: number | null = null
  let quietAt: number | null = null
  const giveUpAt = sent + timeoutMs
  while (Date.now() < giveUpAt && !stopping) {
    await sleep(POLL_MS)
    take()
    if (allPolledAt === null && perPath.size === ctx.feeds) allPolledAt = Date.now()
    // Messages carry several feeds each: the consumer lines' feed counts, not their message counts, cover the tick.
    const consumed = (tally.counts.feeds ?? 0) >= ctx.feeds
    if (allPolledAt !== null && consumed && tally.lastBatchAt !== null && Date.now() - tally.lastBatchAt >= QUIET_MS) {
      quietAt = tally.lastBatchAt
      break
    }
  }
  const outcome = await tickDone
  const heapSample = sampler ? await sampler.stop() : null
  if (heapSample?.error) heapError = heapSample.error
  take()
  const health = await waitForNextTick(ctx.api, ctx.lastTickAt)
  const peaks = readPeaks(baselines)

  const problems: string[] = []
  const scheduledStatus = outcome.kind === 'response' ? outcome.status : null
  if (scheduledStatus !== 200) {
    problems.push(`scheduled event answered ${outcome.kind === 'response' ? `${outcome.status} ${outcome.body.slice(0, 200)}` : `nothing (${outcome.message})`}`)
  }
  const missing = ctx.feeds - perPath.size
  const repeated = [...perPath.values()].filter((n) => n > 1).length
  if (allPolledAt === null) {
    problems.push(`timed out after ${(timeoutMs / 1000).toFixed(0)} s: ${missing} of ${ctx.feeds} feeds never requested (e.g. ${firstMissing(ctx.feeds, perPath).join(', ')})`)
  } else if (quietAt === null) {
    problems.push(`the consumer did not go quiet within ${(timeoutMs / 1000).toFixed(0)} s (${tally.counts.feeds ?? 0} of ${ctx.feeds} feeds logged)`)
  }
  if (repeated > 0) problems.push(`${repeated} feeds requested more than once in the tick`)
  if (strays.length > 0) problems.push(`requests for paths that are not feeds: ${strays.join(', ')}`)
  const wrongStatus = Object.entries(statuses).filter(([status]) => !expectedStatuses.includes(status))
  if (wrongStatus.length > 0) problems.push(`expected every request to answer ${expectedStatuses.join(' or ')}, got ${wrongStatus.map(([s, n]) => `${n}×${s}`).join(', ')}`)

  const healthAdvanced = health.lastTickAt !== null && health.lastTickAt !== ctx.lastTickAt
  const last = healthAdvanced ? health.lastTick : null
  const summaryKv = kvOf(last?.kv)
  const summary = last
    ? { feedsDue: num(last.feedsDue), feedsEnqueued: num(last.feedsEnqueued), kv: summaryKv, subrequests: num(last.subrequests), queueMessages: num(last.queueMessages) }
    : null
  if (!summary) problems.push('GET /api/health did not report a new lastTickAt')
  else {
    if (summary.feedsDue !== ctx.feeds) problems.push(`tick summary: feedsDue ${summary.feedsDue}, expected ${ctx.feeds}`)
    if (summary.feedsEnqueued !== ctx.feeds) problems.push(`tick summary: feedsEnqueued ${summary.feedsEnqueued}, expected ${ctx.feeds}`)
    // Every message the cron sent was consumed, and carried several feeds (no feed is left to a message of its own).
    if (summary.queueMessages !== tally.messages) problems.push(`the cron sent ${summary.queueMessages} queue messages, the consumer logged ${tally.messages}`)
    if (summary.queueMessages !== null && ctx.feeds > 1 && summary.queueMessages >= ctx.feeds) problems.push(`${summary.queueMessages} queue messages for ${ctx.feeds} feeds: one feed a message`)
  }
  const feedsLogged = tally.counts.feeds ?? 0
  if (feedsLogged !== ctx.feeds) problems.push(`consumer lines carry ${feedsLogged} feeds, expected ${ctx.feeds}`)
  const polled = tally.counts.polled ?? 0
  if (polled !== ctx.feeds) problems.push(`consumer lines report ${polled} polled, expected ${ctx.feeds}`)
  if ((tally.counts.retried ?? 0) > 0) problems.push(`consumer retried ${tally.counts.retried} messages`)
  if (tally.deadLetters > 0) problems.push(`${tally.deadLetters} messages reached the dead-letter queue`)
  if (tally.errors.length > 0) problems.push(`wrangler reported errors, first: ${tally.errors[0]}`)

  // The shim counts the whole cron invocation at the binding: the tick summary's counts plus the heartbeat write.
  const cronKvShim = tally.scheduledKv[tally.scheduledKv.length - 1] ?? null
  if (useShim && cronKvShim && summaryKv) {
    const expected = { ...summaryKv, writes: summaryKv.writes + 1 }
    const same = (['reads', 'writes', 'deletes', 'lists'] as const).every((k) => expected[k] === cronKvShim[k])
    if (!same) problems.push(`cron KV counted at the binding ${JSON.stringify(cronKvShim)} ≠ tick summary + heartbeat write ${JSON.stringify(expected)}`)
  } else if (useShim) problems.push('no KV count of the cron invocation from the shim or the tick summary')
  if (useShim && tally.consumerKvInvocations !== tally.batches) {
    problems.push(`KV counts from ${tally.consumerKvInvocations} consumer invocations, but ${tally.batches} batch lines`)
  }

  const batchMs = [...tally.broker.batchMs].sort((a, b) => a - b)
  const peak = peaks.find((p) => p.role === 'runtime') ?? null
  const proxy = peaks.find((p) => p.role === 'proxy') ?? null
  const mb = (bytes: number): number => bytes / 2 ** 20
  return {
    lastTickAt: health.lastTickAt,
    tick: {
      tick: number,
      scheduledStatus,
      cronMs: outcome.ms,
      allPolledS: allPolledAt === null ? null : (allPolledAt - sent) / 1000,
      quiescentS: quietAt === null ? null : (quietAt - sent) / 1000,
      requests,
      exactlyOnce: [...perPath.values()].filter((n) => n === 1).length,
      missing,
      repeated,
      statuses,
      summary,
      cronKvShim,
      consumer: {
        batches: tally.batches,
        messages: tally.messages,
        counts: { ...tally.counts },
        brokerBatches: tally.broker.batches,
        medianBatchMs: batchMs.length === 0 ? null : (batchMs[Math.floor((batchMs.length - 1) / 2)] ?? null),
        maxBatchMs: batchMs[batchMs.length - 1] ?? null,
        kv: useShim && tally.consumerKvInvocations > 0 ? { ...tally.consumerKv } : null,
        kvInvocations: tally.consumerKvInvocations,
        deadLetters: tally.deadLetters,
      },
      peakRssMb: peak ? peak.peakKb / 1024 : null,
      baselineRssMb: peak?.baselineKb == null ? null : peak.baselineKb / 1024,
      proxyPeakRssMb: proxy ? proxy.peakKb / 1024 : null,
      workerdProcesses: peaks.length,
      heap: heapSample && heapSample.samples > 0 ? { peakUsedMb: mb(heapSample.maxUsed), peakTotalMb: mb(heapSample.maxTotal), samples: heapSample.samples } : null,
      heapError,
      problems,
    },
  }
}

function files(feeds: number): Set<string> {
  let set = pathSets.get(feeds)
  if (!set) {
    set = new Set(Array.from({ length: feeds }, (_, i) => loadFeedPath(i)))
    pathSets.set(feeds, set)
  }
  return set
}

function firstMissing(feeds: number, perPath: ReadonlyMap<string, number>): string[] {
  return [...files(feeds)].filter((p) => !perPath.has(p)).slice(0, 3)
}

/** Starts `wrangler dev` on the temporary config with throwaway state; resolves once the Worker answers. */
async function startWorker(dir: string, configPath: string, cleanup: CleanupStack): Promise<{ url: string; wrangler: ChildProcess; inspectorPort: number }> {
  const port = await freePort()
  const inspectorPort = await freePort()
  const args = wranglerDevArgs({
    port,
    ip: '127.0.0.1',
    persistTo: join(dir, 'state'),
    extraArgs: ['--config', configPath, '--inspector-port', String(inspectorPort), '--show-interactive-dev-session=false'],
  })
  // Its own process group, so stopping it stops workerd too.
  const wrangler = spawnWrangler(ROOT, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { FORCE_COLOR: '0' } })
  cleanup.add('wrangler dev', () => stopProcessGroup(wrangler, 5_000), () => signalGroup(wrangler, 'SIGKILL'))
  let exited = false
  wrangler.once('exit', () => {
    exited = true
  })
  let failStart: (error: Error) => void = () => undefined
  const startFailed = new Promise<never>((_, reject) => {
    failStart = reject
  })
  startFailed.catch(() => undefined)
  wrangler.once('error', (error) => failStart(new Error(`cannot start wrangler: ${error.message}`)))
  for (const stream of [wrangler.stdout, wrangler.stderr]) {
    if (!stream) continue
    createInterface({ input: stream }).on('line', (raw) => {
      const line = raw.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')
      wranglerLog.push(line)
      if (wranglerLog.length > WRANGLER_LOG_LINES) wranglerLog.shift()
      tallyLine(tally, line, Date.now())
      if (flags.verbose) log(`   wrangler │ ${line}`)
      if (/\[ERROR\].*Build failed/.test(line)) {
        setTimeout(() => failStart(new Error('wrangler dev could not build the Worker (see its output below)')), 500)
      }
    })
  }
  const url = `http://127.0.0.1:${port}`
  await Promise.race([startFailed, waitForHttp(`${url}/api/health`, { timeoutMs: READY_TIMEOUT_MS, stillRunning: () => !exited && !stopping })])
  return { url, wrangler, inspectorPort }
}

/** Bundles the Worker as a deploy would (`wrangler deploy --dry-run --outdir`), without deploying anything. */
async function buildWorker(configPath: string, outDir: string, cleanup: CleanupStack): Promise<void> {
  const args = ['deploy', '--dry-run', '--outdir', outDir, '--config', configPath]
  const build = spawnWrangler(ROOT, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { FORCE_COLOR: '0' } })
  cleanup.add('wrangler build', () => stopProcessGroup(build, 2_000), () => signalGroup(build, 'SIGKILL'))
  const output: string[] = []
  for (const stream of [build.stdout, build.stderr]) stream?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wrangler deploy --dry-run did not finish within ${BUILD_TIMEOUT_MS / 1000} s`)), BUILD_TIMEOUT_MS)
    build.once('error', (error) => (clearTimeout(timer), reject(new Error(`cannot start wrangler: ${error.message}`))))
    build.once('exit', (exitCode) => (clearTimeout(timer), resolve(exitCode)))
  })
  if (code !== 0) throw new Error(`wrangler deploy --dry-run failed (exit ${code}):\n${output.join('').slice(-3000)}`)
}

interface ImportOutcome {
  added: number
  duplicates: number
  refused: { url: string; code: string; message: string }[]
}

/** POST /api/feeds/import with an OPML body (the typed client speaks JSON only). */
async function importFeeds(url: string, token: string, opml: string): Promise<ImportOutcome> {
  const response = await fetch(`${url}/api/feeds/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/x-opml; charset=utf-8', accept: 'application/json' },
    body: opml,
    signal: AbortSignal.timeout(120_000),
  })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`POST /api/feeds/import → ${response.status}: ${text.slice(0, 500)}`)
  const body = JSON.parse(text) as { added?: unknown[]; duplicates?: unknown[]; refused?: ImportOutcome['refused'] }
  return { added: body.added?.length ?? 0, duplicates: body.duplicates?.length ?? 0, refused: body.refused ?? [] }
}

/** Polls /api/health until `lastTickAt` moves past `previous` (or the wait runs out); returns the last answer. */
async function waitForNextTick(api: StorywatchApi, previous: string | null): Promise<HealthDto> {
  const until = Date.now() + HEALTH_WAIT_MS
  for (;;) {
    const health = await api.health()
    if ((health.lastTickAt !== null && health.lastTickAt !== previous) || Date.now() >= until) return health
    await sleep(200)
  }
}

function kvOf(value: unknown): KvOps | null {
  if (typeof value !== 'object' || value === null) return null
  const v = value as Record<string, unknown>
  const n = (k: string): number => (typeof v[k] === 'number' ? v[k] : 0)
  return { reads: n('reads'), writes: n('writes'), deletes: n('deletes'), lists: n('lists') }
}

function num(value: unknown): number | null {
  return typeof value === 'number' ? value : null
}

function tickLine(feeds: number, t: LoadTickResult): string {
  const s = (x: number | null): string => (x === null ? 'n/a' : `${x.toFixed(2)} s`)
  const kv = t.summary?.kv
  return (
    `   tick ${t.tick}: ${t.requests} requests (${Object.entries(t.statuses).map(([k, v]) => `${v}×${k}`).join(' ')}), ` +
    `${t.exactlyOnce}/${feeds} exactly once; ${t.summary?.queueMessages ?? 'n/a'} queue messages; all polled ${s(t.allPolledS)}, quiet ${s(t.quiescentS)}; cron ${t.cronMs} ms` +
    `${kv ? ` (KV ${kv.reads} r, ${kv.writes} w, ${kv.lists} l)` : ''}; ${t.consumer.batches} batches` +
    `${t.consumer.kv ? ` (KV ${t.consumer.kv.reads} r, ${t.consumer.kv.writes} w, ${t.consumer.kv.lists} l)` : ''}; ` +
    `isolate heap peak ${t.heap ? `${t.heap.peakUsedMb.toFixed(1)} MB used` : `n/a (${t.heapError ?? 'not sampled'})`}; ` +
    `peak workerd RSS ${t.peakRssMb === null ? 'n/a' : `${t.peakRssMb.toFixed(1)} MB`}`
  )
}

function printSummary(all: readonly LoadSizeResult[]): void {
  log('')
  for (const r of all) {
    log(`load: ${passed(r) ? 'PASS' : 'FAIL'} N = ${r.feeds}: every feed polled exactly once per tick, every item recorded${passed(r) ? '' : ` — see ${LOAD_MD}`}`)
  }
}

function printWranglerTail(): void {
  if (wranglerLog.length === 0 || flags.verbose) return
  const useful = wranglerLog.filter((line) => !/Request\.cf|getaddrinfo ENOTFOUND|^\s+at /.test(line))
  console.error(`\n--- last lines of wrangler dev ---\n${useful.slice(-50).join('\n')}\n---`)
}

function machineLabel(): string {
  const cpu = cpus()
  const model = (cpu[0]?.model ?? 'unknown CPU').trim()
  return `${cpu.length} × ${model}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform} ${process.arch}`
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) {
    console.error(`load: ${flag} needs a positive whole number, got ${JSON.stringify(value)}`)
    process.exit(2)
  }
  return n
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
