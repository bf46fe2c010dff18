/**
 * What a deployment has created, in order, and how to remove each thing. On failure or
 * interrupt it is unwound in reverse; one failing step is reported and the rest still run.
 */
export class UndoList {
  private readonly steps: { readonly what: string; readonly undo: () => Promise<string | null> }[] = [];

  constructor(private readonly report: (detail: string) => void) {}

  /** `undo` returns what it did, for the report (null: nothing worth saying). */
  push(what: string, undo: () => Promise<string | null>): void {
    this.steps.push({ what, undo });
  }

  get size(): number {
    return this.steps.length;
  }

  async unwind(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        const done = await step.undo();
        if (done !== null) this.report(done);
      } catch (e) {
        this.report(`could not ${step.what}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}
