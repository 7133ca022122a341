/**
 * Garbage collection on demand for the language server's threads.
 *
 * Under steady typing V8 lets a heap grow to several times what is live before it
 * collects: the server's thread parses every new version for requests and assembles
 * programs for hovers, most of it garbage a moment later, and the checks workers
 * assemble whole programs. Under the fuzz driver's 10,000 edits the server's thread
 * held 150–220 MB of heap with 17 MB live (a heap snapshot), and the process went
 * past 500 MB. A full collection of a heap that is mostly garbage costs in proportion
 * to what is live: milliseconds.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * Runs V8's full collection; false where it is not available. `gc` is exposed for this
 * caller only (the flag is read when a context is created, so only the new context's
 * `gc` exists), and only when first wanted: exposing it costs tens of ms of CPU, which
 * `vta lsp` would otherwise pay on every start in each of its threads.
 */
export function collectGarbage(): boolean {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
  return !!gc;
}

export const heapMb = (): number => getHeapStatistics().used_heap_size / 2 ** 20;

/**
 * Collects this thread's garbage whenever its heap holds more than `floorMb` and more
 * than twice what was live after the last collection, checked every `everyMs`.
 */
export function keepHeapSmall(floorMb: number, everyMs = 1000): void {
  let live = 0;
  const t = setInterval(() => {
    const used = heapMb();
    if (used <= floorMb || used <= 2 * live) return;
    if (!collectGarbage()) clearInterval(t);
    live = heapMb();
  }, everyMs);
  t.unref();
}
