// Reads the load run's evidence out of `wrangler dev` output (pure): consumer batch lines, Miniflare's queue lines, KV counts.
import { FEED_QUEUE_NAME, SHIM_LOG_PREFIX } from './load-config.ts'

/** KV operations of one invocation or a sum of them. */
export interface KvOps {
  reads: number
  writes: number
  deletes: number
  lists: number
}

/** The consumer's own line (src/index.ts): `feeds: queue batch of 1: 25 feeds, 25 polled, 0 skipped, 1 acked, 0 retried, 250 new, …`. */
export interface ConsumerLine {
  messages: number
  /** Every `<n> <word>` pair after the colon, so a field added to the line is counted without a change here. */
  counts: Record<string, number>
}

/** Miniflare's broker line after each delivered batch: `QUEUE storywatch-feeds 50/50 (812ms)`. */
export interface BrokerLine {
  queue: string
  acked: number
  total: number
  ms: number | null
}

/** The KV-counting shim's line (load-config.ts): `load-run kv: queue storywatch-feeds messages=50 reads=… …`. */
export interface ShimKvLine {
  handler: 'queue' | 'scheduled'
  /** Queue name (queue handler) or cron expression (scheduled handler). */
  subject: string
  messages: number | null
  kv: KvOps
}

export function emptyKvOps(): KvOps {
  return { reads: 0, writes: 0, deletes: 0, lists: 0 }
}

export function kvTotal(ops: KvOps): number {
  return ops.reads + ops.writes + ops.deletes + ops.lists
}

export function parseConsumerLine(line: string): ConsumerLine | null {
  const m = /feeds: queue batch of (\d+):(.*)$/.exec(line)
  if (!m?.[1]) return null
  const counts: Record<string, number> = {}
  for (const pair of (m[2] ?? '').matchAll(/(\d+) ([a-zA-Z]+)/g)) {
    const word = pair[2] ?? ''
    counts[word] = (counts[word] ?? 0) + Number(pair[1])
  }
  return { messages: Number(m[1]), counts }
}

export function parseDeadLetterLine(line: string): number | null {
  const m = /feeds: dead-letter batch of (\d+)/.exec(line)
  return m?.[1] ? Number(m[1]) : null
}

export function parseBrokerLine(line: string): BrokerLine | null {
  const m = /QUEUE (\S+) (\d+)\/(\d+)(?: \((\d+)ms\))?/.exec(line)
  if (!m?.[1]) return null
  return { queue: m[1], acked: Number(m[2]), total: Number(m[3]), ms: m[4] === undefined ? null : Number(m[4]) }
}

export function parseShimKvLine(line: string): ShimKvLine | null {
  const at = line.indexOf(SHIM_LOG_PREFIX)
  if (at === -1) return null
  const rest = line.slice(at + SHIM_LOG_PREFIX.length).trim()
  const number = (name: string): number | null => {
    const m = new RegExp(`\\b${name}=(\\d+)`).exec(rest)
    return m?.[1] === undefined ? null : Number(m[1])
  }
  const kv = { reads: number('reads'), writes: number('writes'), deletes: number('deletes'), lists: number('lists') }
  if (kv.reads === null || kv.writes === null || kv.deletes === null || kv.lists === null) return null
  const queue = /^queue (\S+)/.exec(rest)
  if (queue?.[1]) return { handler: 'queue', subject: queue[1], messages: number('messages'), kv: kv as KvOps }
  const cron = /^scheduled cron=("(?:[^"\\]|\\.)*")/.exec(rest)
  if (cron?.[1]) return { handler: 'scheduled', subject: JSON.parse(cron[1]) as string, messages: null, kv: kv as KvOps }
  return null
}

/** Whether a wrangler line reports a failure worth showing (an uncaught error, a failed batch, a dead letter). */
export function isErrorLine(line: string): boolean {
  // Offline, wrangler logs a failed Request.cf download (with an Error line) on start: noise, not a failure.
  if (/Request\.cf|ENOTFOUND workers\.cloudflare\.com/.test(line)) return false
  return /\[ERROR\]|✘|Uncaught|Error:|dead letter queue|Dropped message/.test(line)
}

/** What the feed consumer did during one tick, summed from the log lines seen since the tally was made. */
export interface ConsumerTally {
  /** Consumer invocations that logged their summary line. */
  batches: number
  messages: number
  /** Summed `<n> <word>` fields of the consumer lines: polled, acked, retried, new, revised, … */
  counts: Record<string, number>
  /** When (ms since the epoch, this process's clock) the last consumer line arrived; null before the first. */
  lastBatchAt: number | null
  /** Miniflare's broker lines for the feed queue: batches delivered, messages acked of delivered, time per batch. */
  broker: { batches: number; acked: number; total: number; batchMs: number[] }
  /** KV operations of the feed-queue consumer invocations (from the shim), and how many invocations reported. */
  consumerKv: KvOps
  consumerKvInvocations: number
  /** KV operations of each scheduled invocation, in arrival order (from the shim). */
  scheduledKv: KvOps[]
  deadLetters: number
  errors: string[]
}

// Enough error lines to diagnose a failure without flooding the report.
const MAX_ERROR_LINES = 20

export function newConsumerTally(): ConsumerTally {
  return {
    batches: 0,
    messages: 0,
    counts: {},
    lastBatchAt: null,
    broker: { batches: 0, acked: 0, total: 0, batchMs: [] },
    consumerKv: emptyKvOps(),
    consumerKvInvocations: 0,
    scheduledKv: [],
    deadLetters: 0,
    errors: [],
  }
}

/** Adds one line of wrangler output, seen at `atMs`, to `tally` (mutated). Lines of no interest are ignored. */
export function tallyLine(tally: ConsumerTally, line: string, atMs: number): void {
  const consumer = parseConsumerLine(line)
  if (consumer) {
    tally.batches++
    tally.messages += consumer.messages
    for (const [word, n] of Object.entries(consumer.counts)) tally.counts[word] = (tally.counts[word] ?? 0) + n
    tally.lastBatchAt = atMs
    return
  }
  const dead = parseDeadLetterLine(line)
  if (dead !== null) {
    tally.deadLetters += dead
    return
  }
  const shim = parseShimKvLine(line)
  if (shim) {
    if (shim.handler === 'scheduled') tally.scheduledKv.push(shim.kv)
    else if (shim.subject === FEED_QUEUE_NAME) {
      tally.consumerKvInvocations++
      for (const key of ['reads', 'writes', 'deletes', 'lists'] as const) tally.consumerKv[key] += shim.kv[key]
    }
    return
  }
  const broker = parseBrokerLine(line)
  if (broker) {
    if (broker.queue === FEED_QUEUE_NAME) {
      tally.broker.batches++
      tally.broker.acked += broker.acked
      tally.broker.total += broker.total
      if (broker.ms !== null) tally.broker.batchMs.push(broker.ms)
    }
    return
  }
  if (isErrorLine(line) && tally.errors.length < MAX_ERROR_LINES) tally.errors.push(line)
}
