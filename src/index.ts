// Storywatch Worker entry point: HTTP API (fetch), the crons (scheduled): feed ticks and hourly email digests, and the
// queues (queue): feeds, page re-checks and digests on the feed queue, webhook deliveries on theirs.
import { createApp } from './http/app'
import { createDeps } from './pipeline/deps'
import { runTick } from './pipeline/run-tick'
import { consumeDeliveryBatch } from './pipeline/deliver-webhooks'
import { consumeDeadLetters, consumeQueueBatch, type DigestSetup } from './pipeline/consume-queue'
import { enqueueDigests, sendDigests } from './pipeline/send-digests'
import { DIGEST_CRON } from './delivery/digest-schedule'
import { DigestStore } from './delivery/digest-store'
import { createEmailSender, cronBaseUrl, readDigestSettings } from './delivery/digest-settings'
import { AlertStore } from './alerts/alert-store'
import { StoryStore } from './stories/story-store'

/** Queue names (wrangler.toml): `storywatch-feeds` (feeds, page re-checks, digests) and its dead-letter queue `storywatch-feeds-dlq`. */
const FEED_QUEUE_PREFIX = 'storywatch-feeds'
const DEAD_LETTER_SUFFIX = '-dlq'

const app = createApp()

/** The digest senders and stores over `kv`, or why email is not configured (then nothing is claimed or enqueued). */
function digestSetup(env: Env, kv: KVNamespace): DigestSetup {
  const settings = readDigestSettings(env)
  // Looked up at call time so a test's fake fetch at the same boundary is the one used.
  const setup = createEmailSender(env, (input, init) => fetch(input, init))
  const baseUrl = cronBaseUrl(settings)
  if (!setup.ok) return setup
  if (baseUrl === null) return { ok: false, message: 'digests: PUBLIC_BASE_URL must be set to send digests (every digest links back to unsubscribe)' }
  return {
    ok: true,
    deps: {
      digests: new DigestStore(kv),
      alerts: new AlertStore(kv),
      stories: new StoryStore(kv),
      sender: setup.sender,
      settings: { from: settings.from, baseUrl, apiToken: settings.apiToken },
    },
  }
}

/**
 * The digest cron: builds and sends the due digests, or with FEED_QUEUE bound enqueues one message per due digest for
 * the consumer; logs why email is not configured instead (claiming and enqueuing nothing).
 */
async function runDigestCron(env: Env, scheduledTime: number): Promise<void> {
  const setup = digestSetup(env, env.STORE)
  if (!setup.ok) {
    console.error(setup.message)
    return
  }
  const queue = createDeps(env).feedQueue
  if (queue) {
    const s = await enqueueDigests(setup.deps.digests, queue, scheduledTime)
    console.log(`digests ${s.at}: ${s.due}/${s.subscriptions} due, ${s.enqueued} enqueued, ${s.alreadyClaimed} already claimed`)
    return
  }
  const summary = await sendDigests(setup.deps, scheduledTime)
  console.log(
    `digests ${summary.at}: ${summary.due}/${summary.subscriptions} due, ${summary.sent} sent, ${summary.recorded} recorded, ` +
      `${summary.failed} failed, ${summary.unknown} unknown, ${summary.empty} empty, ${summary.alreadyClaimed} already claimed, ${summary.crashed} crashed`,
  )
}

export default {
  fetch: app.fetch,
  async scheduled(controller, env): Promise<void> {
    if (controller.cron === DIGEST_CRON) return runDigestCron(env, controller.scheduledTime)
    const summary = await runTick(createDeps(env), controller.scheduledTime, controller.cron)
    console.log(
      `tick ${summary.at}: ${summary.feedsPolled}/${summary.feedsDue} feeds polled, ${summary.updated} updated, ` +
        `${summary.failed} failed, ${summary.articlesNew} new, ${summary.articlesRevised} revised, ${summary.alertsRaised} alerts`,
    )
  },
  /** Queue consumers, only invoked when the optional queues are configured (see wrangler.toml): the feed queue, its dead letters, webhooks. */
  async queue(batch, env): Promise<void> {
    const deps = createDeps(env)
    if (batch.queue.startsWith(FEED_QUEUE_PREFIX)) {
      if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) {
        const d = await consumeDeadLetters(deps, new DigestStore(deps.kv), batch, Date.now())
        console.log(`feeds: dead-letter batch of ${batch.messages.length}: ${d.feedsMarked} feeds, ${d.pagesMarked} pages and ${d.digestsMarked} digests marked, ${d.malformed} malformed`)
        return
      }
      const s = await consumeQueueBatch(deps, () => digestSetup(env, deps.kv), batch, Date.now())
      const sent = s.digests.results.filter((r) => r.outcome === 'sent' || r.outcome === 'recorded').length
      // scripts/load-run.ts reads this line: every `<number> <word>` after the colon is summed per word.
      console.log(
        `feeds: queue batch of ${s.messages}: ${s.feeds.feeds} feeds, ${s.feeds.polled} polled, ${s.feeds.skipped} skipped, ${s.acked} acked, ` +
          `${s.retried} retried, ${s.feeds.newArticles} new, ${s.feeds.revisedArticles} revised, ${s.pages.checked} rechecked, ` +
          `${s.digests.messages} digests, ${sent} sent, ${s.malformed} malformed`,
      )
      return
    }
    const result = await consumeDeliveryBatch(deps, batch, Date.now())
    console.log(`webhooks: queue batch of ${batch.messages.length}: ${result.acked} acked, ${result.retried} retried`)
  },
} satisfies ExportedHandler<Env>
