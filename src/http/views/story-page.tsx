// GET /stories/:id: a tracked story's follow-ups, newest first, grouped by development, with why each one matched.
import type { FC } from 'hono/jsx'
import type { ClusterMember, StoryCluster, StoryMatchRecord, StoryRecord } from '../../stories/story-store'
import type { ProfileSummary } from '../story-lookup'
import { Layout, Time } from './layout'
import { externalHref, pageHref, type PageContext } from './page-links'

/** One development on this page: its matches here (newest first) and its near-duplicate cluster, when still kept. */
export interface Development {
  clusterId: string
  /** Null for a development with no stored cluster (a miss confirmed by feedback, or one aged out of the cluster list). */
  cluster: StoryCluster | null
  matches: StoryMatchRecord[]
}

export interface StoryPageProps {
  ctx: PageContext
  story: StoryRecord
  profile: ProfileSummary
  developments: Development[]
  /** Outlet names by feed id (the feed's title, else its host). */
  outlets: ReadonlyMap<string, string>
  /** The cursor this page was opened with (null: the newest follow-ups). */
  cursor: string | null
  nextCursor: string | null
}

const VIA_LABELS: Record<StoryMatchRecord['via'], string> = {
  tick: 'new coverage',
  backfill: 'backfill',
  feedback: 'newsroom feedback',
}

/**
 * Groups a newest-first page of matches by development, in the order each development first appears, and attaches
 * its cluster (from `StoryStore.getClusters`) so the page can name the first reporter and every other outlet.
 */
export function groupByDevelopment(matches: readonly StoryMatchRecord[], clusters: readonly StoryCluster[]): Development[] {
  const byId = new Map(clusters.map((c) => [c.clusterId, c]))
  const groups = new Map<string, Development>()
  for (const m of matches) {
    let group = groups.get(m.clusterId)
    if (!group) {
      group = { clusterId: m.clusterId, cluster: byId.get(m.clusterId) ?? null, matches: [] }
      groups.set(m.clusterId, group)
    }
    group.matches.push(m)
  }
  return [...groups.values()]
}

/** Score 0..1 as "0.734", the precision the API reports. */
export function formatScore(score: number): string {
  return (Math.round(score * 1000) / 1000).toFixed(3)
}

function hostOf(url: string): string | null {
  const href = externalHref(url)
  return href ? new URL(href).host : null
}

function outletName(outlets: ReadonlyMap<string, string>, feedId: string, url: string): string {
  return outlets.get(feedId) ?? hostOf(url) ?? feedId
}

/** The original article: a link when its URL is http(s), nothing otherwise. */
const OriginalLink: FC<{ url: string }> = ({ url }) => {
  const href = externalHref(url)
  return href ? (
    <>
      {' · '}
      <a href={href} rel="noreferrer noopener">
        original
      </a>
    </>
  ) : null
}

const ExplanationLine: FC<{ label: string; items: string[] }> = ({ label, items }) =>
  items.length === 0 ? null : (
    <>
      <br />
      {`${label}: ${items.join(', ')}`}
    </>
  )

const MatchEntry: FC<{ ctx: PageContext; story: StoryRecord; m: StoryMatchRecord; outlets: ReadonlyMap<string, string> }> = ({ ctx, story, m, outlets }) => (
  <li class={m.relevant === false ? 'minor' : 'other'} id={`match-${m.articleId}`}>
    <h3>
      <a href={pageHref(ctx, `/articles/${m.articleId}`)}>{m.title || '(no headline)'}</a>
    </h3>
    <p class="meta">
      <span class="badge">{VIA_LABELS[m.via]}</span>
      {m.relevant === true && <span class="badge">confirmed</span>}
      {m.relevant === false && <span class="badge flag">false alarm</span>}
      {`${outletName(outlets, m.feedId, m.url)} · score ${formatScore(m.score)} (threshold ${formatScore(story.threshold ?? story.profile.threshold)}) · matched `}
      <Time iso={m.matchedAt} />
      {' · published '}
      {m.publishedAt ? <Time iso={m.publishedAt} /> : 'no date given'}
      <OriginalLink url={m.url} />
    </p>
    <p class="meta">
      {m.explanation.terms.length + m.explanation.entities.length + m.explanation.phrases.length === 0 ? (
        'No single term, entity or phrase stood out.'
      ) : (
        <>
          {'What carried the score:'}
          <ExplanationLine label="terms" items={m.explanation.terms} />
          <ExplanationLine label="entities" items={m.explanation.entities} />
          <ExplanationLine label="phrases" items={m.explanation.phrases} />
        </>
      )}
    </p>
  </li>
)

const MemberLink: FC<{ ctx: PageContext; member: ClusterMember; outlets: ReadonlyMap<string, string> }> = ({ ctx, member, outlets }) => (
  <>
    {`${outletName(outlets, member.feedId, member.url)} (`}
    <a href={pageHref(ctx, `/articles/${member.articleId}`)}>{member.title || '(no headline)'}</a>
    {', first seen '}
    <Time iso={member.firstSeenAt} />
    {')'}
  </>
)

const DevelopmentSection: FC<{ ctx: PageContext; story: StoryRecord; d: Development; outlets: ReadonlyMap<string, string> }> = ({ ctx, story, d, outlets }) => {
  const [first, ...others] = d.cluster?.members ?? []
  return (
    <section class="version" id={d.clusterId}>
      <h2>
        {first ? `Development first reported by ${outletName(outlets, first.feedId, first.url)} · ` : 'Development · '}
        <Time iso={first?.firstSeenAt ?? d.matches[d.matches.length - 1]?.matchedAt ?? ''} />
      </h2>
      {first && (
        <p class="meta">
          {'First reporter: '}
          <MemberLink ctx={ctx} member={first} outlets={outlets} />
          {others.length > 0 && (
            <>
              <br />
              {'Also reported by: '}
              {others.map((member, i) => (
                <>
                  {i > 0 && '; '}
                  <MemberLink ctx={ctx} member={member} outlets={outlets} />
                </>
              ))}
            </>
          )}
        </p>
      )}
      <ol class="changes">
        {d.matches.map((m) => (
          <MatchEntry ctx={ctx} story={story} m={m} outlets={outlets} />
        ))}
      </ol>
    </section>
  )
}

const Weights: FC<{ label: string; items: { label: string; weight: number }[] }> = ({ label, items }) => (
  <div class="field">
    <h3>{label}</h3>
    <p class="meta">{items.length === 0 ? 'none' : items.map((i) => `${i.label} ${formatScore(i.weight)}`).join(' · ')}</p>
  </div>
)

const ProfileView: FC<{ story: StoryRecord; profile: ProfileSummary }> = ({ story, profile }) => (
  <details class="fold">
    <summary>{`What the story matches on: threshold ${formatScore(profile.threshold)}, ${profile.adaptiveUpdates} adaptive ${profile.adaptiveUpdates === 1 ? 'update' : 'updates'}`}</summary>
    {(story.keywords.length > 0 || story.excludeKeywords.length > 0) && (
      <p class="meta">
        {story.keywords.length > 0 && `Keywords: ${story.keywords.join(', ')}. `}
        {story.excludeKeywords.length > 0 && `Excluded: ${story.excludeKeywords.join(', ')}.`}
      </p>
    )}
    <Weights label="Top terms" items={profile.terms.map((t) => ({ label: t.term, weight: t.weight }))} />
    <Weights label="Entities" items={profile.entities.map((e) => ({ label: e.entity, weight: e.weight }))} />
    <Weights label="Phrases" items={profile.phrases.map((p) => ({ label: p.phrase, weight: p.weight }))} />
  </details>
)

/** A story's counts as one line of text: follow-ups, alerts and the newsroom's feedback. */
export function countsText(story: StoryRecord): string {
  const c = story.counts
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`
  return `${n(c.matches, 'follow-up', 'follow-ups')} · ${n(c.alerts, 'alert', 'alerts')} · ${c.feedbackRelevant} confirmed · ${n(c.feedbackIrrelevant, 'false alarm', 'false alarms')}`
}

/** The timeline page of one story. */
export const StoryPage: FC<StoryPageProps> = ({ ctx, story, profile, developments, outlets, cursor, nextCursor }) => (
  <Layout title={story.title} ctx={ctx}>
    <h1>{story.title}</h1>
    <p class="meta">
      {story.isDefault && <span class="badge">default story</span>}
      {`${countsText(story)} · tracked since `}
      <Time iso={story.createdAt} />
    </p>
    <ProfileView story={story} profile={profile} />
    {developments.length === 0 && (
      <p class="notice">{cursor ? 'No older follow-ups.' : 'No follow-ups yet: articles that match the story appear here, newest first.'}</p>
    )}
    {developments.map((d) => (
      <DevelopmentSection ctx={ctx} story={story} d={d} outlets={outlets} />
    ))}
    {(cursor || nextCursor) && (
      <p class="pager">
        {cursor && <a href={pageHref(ctx, `/stories/${encodeURIComponent(story.id)}`)}>Newest follow-ups</a>}
        {cursor && nextCursor && ' · '}
        {nextCursor && <a href={pageHref(ctx, `/stories/${encodeURIComponent(story.id)}`, { cursor: nextCursor })}>Older follow-ups</a>}
      </p>
    )}
  </Layout>
)
