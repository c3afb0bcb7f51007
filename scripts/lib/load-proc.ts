// Peak memory of the workerd processes under `wrangler dev`, from Linux /proc (n/a elsewhere).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'

/** One workerd process and its resident memory, in KB. */
export interface WorkerdMemory {
  pid: number
  role: WorkerdRole
  /** Peak resident set since the last reset (VmHWM). */
  peakKb: number
  /** Resident set when the peak was reset (VmRSS then). */
  baselineKb: number | null
}

/**
 * Which workerd this is: wrangler dev runs the Worker (with Miniflare's KV and Queues simulators) in one workerd, started
 * with an inspector, and its dev proxy (the HTTP entry on the chosen port) in another.
 */
export type WorkerdRole = 'runtime' | 'proxy'

export function workerdRole(pid: number): WorkerdRole {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--inspector-addr') ? 'runtime' : 'proxy'
  } catch {
    return 'proxy'
  }
}

/** The pids of every process named workerd in process group `pgid` (wrangler spawned detached leads its own group). */
export function workerdPids(pgid: number): number[] {
  const pids: number[] = []
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return pids // No /proc (macOS, Windows): memory is reported as n/a.
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // The command is parenthesised and may contain spaces; the fields after it are: state, ppid, pgrp, …
      const close = stat.lastIndexOf(')')
      const comm = stat.slice(stat.indexOf('(') + 1, close)
      const pgrp = Number(stat.slice(close + 2).split(' ')[2])
      if (comm.startsWith('workerd') && pgrp === pgid) pids.push(Number(entry))
    } catch {
      // The process ended between readdir and read.
    }
  }
  return pids
}

function statusKb(pid: number, field: string): number | null {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
  return m?.[1] === undefined ? null : Number(m[1])
}

/**
 * Resets each process's peak to its current RSS (Linux clear_refs "5", as bench/extract-page.bench.ts does) and
 * returns that RSS by pid; a pid that cannot be reset is left out, so its peak is not mistaken for this window's.
 */
export function resetPeaks(pids: readonly number[]): Map<number, number | null> {
  const baselines = new Map<number, number | null>()
  for (const pid of pids) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5')
      baselines.set(pid, statusKb(pid, 'VmRSS'))
    } catch {
      // Not permitted or gone: no reset, no baseline.
    }
  }
  return baselines
}

/** Peak RSS since the reset of every process that was reset; a process that has gone is left out. */
export function readPeaks(baselines: ReadonlyMap<number, number | null>): WorkerdMemory[] {
  const peaks: WorkerdMemory[] = []
  for (const [pid, baselineKb] of baselines) {
    try {
      const peakKb = statusKb(pid, 'VmHWM')
      if (peakKb !== null) peaks.push({ pid, role: workerdRole(pid), peakKb, baselineKb })
    } catch {
      // Gone.
    }
  }
  return peaks
}
