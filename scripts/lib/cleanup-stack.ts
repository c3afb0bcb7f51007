// Runs registered teardown steps exactly once, newest first, on every way out of a script.

interface Entry {
  name: string
  run: () => Promise<void>
  /** Best-effort synchronous version for the `exit` event, where no more async work can run. */
  runSync: () => void
  done: boolean
}

/** A LIFO of teardown steps; a failing step is reported and never stops the others. */
export class CleanupStack {
  private readonly entries: Entry[] = []
  private running: Promise<void> | null = null

  constructor(private readonly log: (line: string) => void) {}

  /** Registers a step; `runSync` is used only if the process exits before `run` has finished. */
  add(name: string, run: () => Promise<void>, runSync: () => void): void {
    this.entries.push({ name, run, runSync, done: false })
  }

  /** Runs every pending step, newest first; concurrent calls share one run. */
  runAll(): Promise<void> {
    this.running ??= (async () => {
      for (const entry of [...this.entries].reverse()) {
        if (entry.done) continue
        try {
          await entry.run()
        } catch (error) {
          this.log(`cleanup: ${entry.name} failed: ${(error as Error).message}`)
        }
        entry.done = true
      }
    })()
    return this.running
  }

  /** Runs the synchronous fallback of every step that has not completed. */
  runAllSync(): void {
    for (const entry of [...this.entries].reverse()) {
      if (entry.done) continue
      entry.done = true
      try {
        entry.runSync()
      } catch {
        // Exiting already; nothing useful left to do with the error.
      }
    }
  }
}
