// The load run's results (pure): per-size records, the growth from the smallest to the largest run, bench/LOAD.md.
import type { KvOps } from './load-log.ts'
import { LOAD_QUEUE_SETTINGS } from './load-config.ts'

/** What one tick of one run measured. */
export interface LoadTickResult {
  tick: number
  /** HTTP status of the scheduled-event request, or null when it failed outright. */
  scheduledStatus: number | null
  /** How long the scheduled request (the cron: decide what is due, enqueue) took. */
  cronMs: number
  /** Tick sent → the last feed's first request; null when not every feed was requested in time. */
  allPolledS: number | null
  /** Tick sent → the last `feeds: queue batch of …` line before the consumer went quiet. */
  quiescentS: number | null
  requests: number
  /** Feed paths requested exactly once, never, and more than once. */
  exactlyOnce: number
  missing: number
  repeated: number
  /** Requests by status ("200", "304", "404", …). */
  statuses: Record<string, number>
  /** From GET /api/health `lastTick`; null when the heartbeat did not advance. */
  summary: { feedsDue: number | null; feedsEnqueued: number | null; kv: KvOps | null; subrequests: number | null; queueMessages: number | null } | null
  /** The cron invocation's KV operations counted at the binding by the shim (includes the heartbeat write). */
  cronKvShim: KvOps | null
  consumer: {
    batches: number
    messages: number
    counts: Record<string, number>
    brokerBatches: number
    medianBatchMs: number | null
    maxBatchMs: number | null
    /** Consumer invocations' KV operations (shim); null when the shim was off or reported nothing. */
    kv: KvOps | null
    kvInvocations: number
    deadLetters: number
  }
  /** Peak RSS of the workerd that runs the Worker and Miniflare's simulators in this tick's window, and its RSS at the start. */
  peakRssMb: number | null
  baselineRssMb: number | null
  /** Peak RSS of wrangler's dev-proxy workerd in the same window. */
  proxyPeakRssMb: number | null
  workerdProcesses: number
  /** The Worker isolate's V8 heap, sampled through the inspector during the tick (after a forced GC before it). */
  heap: { peakUsedMb: number; peakTotalMb: number; samples: number } | null
  /** Why the heap was not sampled, when it was not. */
  heapError: string | null
  problems: string[]
}

/** One size of the load run. */
export interface LoadSizeResult {
  feeds: number
  measuredAt: string
  machine: string
  node: string
  /** Whether KV operations were counted at the binding (the shim entry) or only read from the tick summary. */
  kvShim: boolean
  startS: number
  importS: number
  refused: number
  /** The machine's 1-minute load average when the run started: timings on a busy machine are slower. */
  loadAverage?: number | null
  ticks: LoadTickResult[]
  problems: string[]
}

export function passed(result: LoadSizeResult): boolean {
  return result.problems.length === 0 && result.ticks.length === 2 && result.ticks.every((t) => t.problems.length === 0)
}

const DATA_START = '<!-- load-run:data'
const DATA_END = '-->'

/** The results stored in an existing LOAD.md (empty when there is none or it cannot be read). */
export function readStoredResults(markdown: string | null): LoadSizeResult[] {
  if (markdown === null) return []
  const start = markdown.indexOf(DATA_START)
  if (start === -1) return []
  const end = markdown.indexOf(DATA_END, start)
  if (end === -1) return []
  try {
    const parsed = JSON.parse(markdown.slice(start + DATA_START.length, end)) as unknown
    return Array.isArray(parsed) ? (parsed as LoadSizeResult[]) : []
  } catch {
    return []
  }
}

/** Stored results with `fresh` replacing any earlier run of the same size, smallest first. */
export function mergeResults(stored: readonly LoadSizeResult[], fresh: readonly LoadSizeResult[]): LoadSizeResult[] {
  const bySize = new Map(stored.map((r) => [r.feeds, r]))
  for (const r of fresh) bySize.set(r.feeds, r)
  return [...bySize.values()].sort((a, b) => a.feeds - b.feeds)
}

/** How a figure grows with the feed count: the exponent b of y ≈ a·N^b fitted over every size (least squares on logs). */
export interface Growth {
  label: string
  points: { feeds: number; value: number }[]
  exponent: number | null
  verdict: string
}

// An exponent within this distance of 1 is read as linear (run-to-run noise on a shared machine is of this order).
const LINEAR_TOLERANCE = 0.15

export function fitGrowth(label: string, points: { feeds: number; value: number | null }[]): Growth {
  const usable = points.filter((p): p is { feeds: number; value: number } => p.value !== null && p.value > 0)
  if (usable.length < 2) {
    const nonPositive = points.some((p) => p.value !== null && p.value <= 0)
    return { label, points: usable, exponent: null, verdict: nonPositive ? 'n/a (zero or below at some size: nothing to fit)' : 'n/a (fewer than two sizes measured)' }
  }
  const xs = usable.map((p) => Math.log(p.feeds))
  const ys = usable.map((p) => Math.log(p.value))
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length
  const my = ys.reduce((a, b) => a + b, 0) / ys.length
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0)
  const sxy = xs.reduce((a, x, i) => a + (x - mx) * ((ys[i] ?? 0) - my), 0)
  const exponent = sxx === 0 ? null : sxy / sxx
  let verdict = 'n/a'
  if (exponent !== null) {
    if (Math.abs(exponent - 1) <= LINEAR_TOLERANCE) verdict = 'linear'
    else if (exponent < 1) verdict = exponent < LINEAR_TOLERANCE ? 'flat (independent of N)' : 'sub-linear'
    else verdict = 'super-linear'
  }
  return { label, points: usable, exponent, verdict }
}

function kvOpsTotal(ops: KvOps | null | undefined): number | null {
  return ops ? ops.reads + ops.writes + ops.deletes + ops.lists : null
}

function tickOf(result: LoadSizeResult, tick: number): LoadTickResult | undefined {
  return result.ticks.find((t) => t.tick === tick)
}

/** The growth of every headline figure over the stored sizes, tick 1 (all new) and tick 2 (mostly 304). */
export function growthTable(results: readonly LoadSizeResult[]): Growth[] {
  const out: Growth[] = []
  for (const tick of [1, 2]) {
    const at = (pick: (t: LoadTickResult) => number | null): { feeds: number; value: number | null }[] =>
      results.map((r) => {
        const t = tickOf(r, tick)
        return { feeds: r.feeds, value: t ? pick(t) : null }
      })
    out.push(fitGrowth(`tick ${tick}: tick → all polled (s)`, at((t) => t.allPolledS)))
    out.push(fitGrowth(`tick ${tick}: cron KV operations`, at((t) => kvOpsTotal(t.summary?.kv))))
    out.push(fitGrowth(`tick ${tick}: consumer KV operations`, at((t) => kvOpsTotal(t.consumer.kv))))
    out.push(fitGrowth(`tick ${tick}: consumer batches`, at((t) => t.consumer.batches)))
    out.push(fitGrowth(`tick ${tick}: median consumer batch (ms)`, at((t) => t.consumer.medianBatchMs)))
    out.push(fitGrowth(`tick ${tick}: isolate JS heap peak used (MB)`, at((t) => t.heap?.peakUsedMb ?? null)))
    out.push(fitGrowth(`tick ${tick}: peak workerd RSS (MB)`, at((t) => t.peakRssMb)))
    out.push(fitGrowth(`tick ${tick}: peak workerd RSS rise over the tick's start (MB)`, at((t) => (t.peakRssMb !== null && t.baselineRssMb !== null ? t.peakRssMb - t.baselineRssMb : null))))
  }
  return out
}

const fmt = (n: number | null | undefined, digits = 1): string => (n === null || n === undefined ? 'n/a' : n.toFixed(digits))
const ops = (o: KvOps | null | undefined): string => (o ? `${o.reads} / ${o.writes} / ${o.lists}${o.deletes ? ` (+${o.deletes} del)` : ''}` : 'n/a')
const perFeed = (o: KvOps | null | undefined, feeds: number): string =>
  o && feeds > 0 ? `${fmt(o.reads / feeds, 2)} / ${fmt(o.writes / feeds, 2)} / ${fmt(o.lists / feeds, 2)}` : 'n/a'
/** Cloudflare bills a message as 3 queue operations (write, read, delete; one each per 64 KB). */
const QUEUE_OPERATIONS_PER_MESSAGE = 3
const queueOps = (messages: number | null | undefined): string =>
  messages === null || messages === undefined ? 'n/a' : `${messages} (${messages * QUEUE_OPERATIONS_PER_MESSAGE})`
const statuses = (s: Record<string, number>): string =>
  Object.entries(s)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${n}×${status}`)
    .join(' ') || 'none'

/** One results row per size and tick (Markdown table lines, header included). */
export function resultsTable(results: readonly LoadSizeResult[]): string[] {
  const lines = [
    '| Feeds | Tick | Tick → all polled s | Tick → quiet s | Cron ms | Requests per feed | Statuses | Queue messages (operations) | Isolate heap peak MB used / allocated | Peak workerd RSS MB (start) | Cron KV r / w / l | Consumer KV r / w / l | Consumer KV per feed r / w / l | Consumer batches (median ms) | Polled / new | Check |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ]
  for (const r of results) {
    for (const t of r.ticks) {
      const polled = t.consumer.counts.polled ?? 0
      lines.push(
        `| ${r.feeds} | ${t.tick} | ${fmt(t.allPolledS, 2)} | ${fmt(t.quiescentS, 2)} | ${t.cronMs} | ${fmt(t.requests / r.feeds, 3)} | ${statuses(t.statuses)} | ${queueOps(t.summary?.queueMessages)} | ` +
          `${t.heap ? `${fmt(t.heap.peakUsedMb)} / ${fmt(t.heap.peakTotalMb)}` : 'n/a'} | ${fmt(t.peakRssMb)} (${fmt(t.baselineRssMb)}) | ${ops(t.summary?.kv)} | ${ops(t.consumer.kv)} | ${perFeed(t.consumer.kv, polled)} | ` +
          `${t.consumer.batches} (${fmt(t.consumer.medianBatchMs, 0)}) | ${polled} / ${t.consumer.counts.new ?? 0} | ${t.problems.length === 0 ? 'PASS' : 'FAIL'} |`,
      )
    }
    if (r.ticks.length === 0) lines.push(`| ${r.feeds} | – | n/a | n/a | n/a | n/a | – | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a | FAIL |`)
  }
  return lines
}

export function growthLines(growth: readonly Growth[]): string[] {
  const sizes = [...new Set(growth.flatMap((g) => g.points.map((p) => p.feeds)))].sort((a, b) => a - b)
  const lines = [
    `| Figure | ${sizes.map((n) => `N = ${n}`).join(' | ')} | ×N smallest → largest | ×figure | Exponent b (y ∝ N^b) | Growth |`,
    `| --- | ${sizes.map(() => '---:').join(' | ')} | ---: | ---: | ---: | --- |`,
  ]
  for (const g of growth) {
    const first = g.points[0]
    const last = g.points[g.points.length - 1]
    const cells = sizes.map((n) => {
      const p = g.points.find((q) => q.feeds === n)
      return p ? (Number.isInteger(p.value) ? String(p.value) : p.value.toFixed(2)) : 'n/a'
    })
    const ratioN = first && last ? `${fmt(last.feeds / first.feeds, 1)}×` : 'n/a'
    const ratioY = first && last ? `${fmt(last.value / first.value, 2)}×` : 'n/a'
    lines.push(`| ${g.label} | ${cells.join(' | ')} | ${ratioN} | ${ratioY} | ${fmt(g.exponent, 2)} | ${g.verdict} |`)
  }
  return lines
}

/** The whole bench/LOAD.md: how it was measured, the table, the growth, the problems, and the data for later merges. */
export function renderLoadMarkdown(results: readonly LoadSizeResult[]): string {
  const latest = [...results].sort((a, b) => b.measuredAt.localeCompare(a.measuredAt))[0]
  const runs = results.map((r) => `N = ${r.feeds}: ${r.measuredAt} on ${r.machine}, Node ${r.node}, 1-min load average ${fmt(r.loadAverage, 2)}`)
  const problems = results.flatMap((r) => [
    ...r.problems.map((p) => `- N = ${r.feeds}: ${p}`),
    ...r.ticks.flatMap((t) => t.problems.map((p) => `- N = ${r.feeds}, tick ${t.tick}: ${p}`)),
  ])
  const verdicts = results.map((r) => `- N = ${r.feeds}: ${passed(r) ? 'PASS' : 'FAIL'} (every feed polled exactly once per tick, every item recorded)`)
  return [
    '# Load run: feeds through the queue consumer under `wrangler dev`',
    '',
    `Generated by \`npm run load\` (scripts/load-run.ts); latest run ${latest?.measuredAt ?? 'n/a'} on ${latest?.machine ?? 'n/a'}, Node ${latest?.node ?? 'n/a'}.`,
    'These are this machine\'s numbers under Miniflare, not production figures. Each size has its own run:',
    '',
    ...runs.map((r) => `- ${r}`),
    '',
    '## How it is measured',
    '',
    '- N generated RSS feeds (10 items each, deterministic bytes, strong ETag, `Cache-Control: no-cache`) are served by',
    '  one HTTP server on 127.0.0.1 (a random port), which counts the requests per feed path.',
    '- `wrangler dev --test-scheduled` runs the Worker from a temporary copy of wrangler.toml with FEED_QUEUE bound to',
    `  \`storywatch-feeds\` (consumer: max_batch_size ${LOAD_QUEUE_SETTINGS.maxBatchSize}, max_batch_timeout ${LOAD_QUEUE_SETTINGS.maxBatchTimeout} s, max_concurrency ${LOAD_QUEUE_SETTINGS.maxConcurrency}, dead-letter queue`,
    '  `storywatch-feeds-dlq`), ALLOW_LOOPBACK_FEEDS = "true", SEED_DEFAULT_FEEDS = "false", HEARTBEAT_MINUTES = "0"',
    '  (every tick recorded) and fresh local state.',
    '  Miniflare ignores max_concurrency: its broker delivers one batch of a queue at a time.',
    '- The cron sends the due feeds 25 to a message (src/pipeline/queue-messages.ts); "Queue messages (operations)" is',
    '  `lastTick.queueMessages` of `GET /api/health`, and the operations Cloudflare would bill for them (3 a message:',
    '  write, read, delete). The run checks that the consumer logged as many messages as the cron sent, carrying every',
    '  feed exactly once.',
    '- The N feeds are registered with one `POST /api/feeds/import` (OPML). Tick 1 (every feed new: 200) and tick 2',
    '  (304, or 200 from a feed whose first poll left items for later: a consumer invocation stops at 700 of its 1,000',
    '  KV operations, and such a feed reads its body again) are fired through `/cdn-cgi/handler/scheduled` with the',
    '  cron\'s last two matched minutes. The run checks that every item of every feed is recorded by the end of tick 2.',
    '- "Tick → all polled": from sending the scheduled request to the first request of the last feed, seen by a 50 ms',
    '  poll of the server\'s log. "Tick → quiet": to the last `feeds: queue batch of …` line, once no batch line has',
    '  arrived for 3 s.',
    '- Cron KV: `lastTick.kv` of `GET /api/health` (the cron\'s own counting wrapper; the heartbeat write is not in it).',
    '- Consumer KV: the Worker runs behind a generated entry shim that re-exports src/index.ts and counts every KV call',
    '  of each scheduled and queue invocation at the binding (the same rules as src/storage/counting-kv.ts), because the',
    '  consumer\'s log line carries no KV counts. The shim\'s count of the cron is checked against the tick summary.',
    '- Isolate heap: `Runtime.getHeapUsage` of the Worker\'s isolate through wrangler\'s inspector, sampled every 250 ms',
    '  from the tick to quiet after a forced GC (`HeapProfiler.collectGarbage`): the figure to hold against the 128 MB',
    '  isolate limit. A sample can miss a short spike between two samples.',
    '- Peak workerd RSS: VmHWM of the workerd that runs the Worker, reset with `clear_refs` before each tick. That',
    '  process also holds Miniflare\'s KV and Queues simulators and everything the runtime has not returned to the OS, so',
    '  it is an upper bound, not the isolate\'s memory. (wrangler\'s dev-proxy workerd is recorded in the data block.)',
    '- The Worker is bundled once per size (`wrangler deploy --dry-run`) and served with `no_bundle`, so edits to src/',
    '  during a run do not reload it mid-tick.',
    '',
    '## Results',
    '',
    'r / w / l: KV reads / writes / lists (deletes shown only when there were any).',
    '',
    ...resultsTable(results),
    '',
    ...verdicts,
    '',
    '## Growth from the smallest to the largest run',
    '',
    'Exponent b fitted by least squares on log(figure) against log(N): 1 is linear, 0 is flat, above 1 grows faster than',
    `the feed count (read as linear within ±${LINEAR_TOLERANCE}).`,
    '',
    ...growthLines(growthTable(results)),
    '',
    '## Problems',
    '',
    ...(problems.length === 0 ? ['None.'] : problems),
    '',
    `${DATA_START}`,
    // A comment cannot contain "-->"; the JSON escape keeps every string intact.
    JSON.stringify(results, null, 1).replace(/-->/g, '--\\u003e'),
    `${DATA_END}`,
    '',
  ].join('\n')
}
