/**
 * Sorting for the planner's hot paths, where arrays are tiny (a node's tags, a job's classes)
 * and many: V8's Array.prototype.sort allocates a work area per call, which at 100,000 tasks
 * was a quarter of a cycle's garbage. Insertion sort in place, and a sortedness check so the
 * common already-sorted case costs one pass and no copy.
 */
export function insertionSort<T>(a: T[], cmp: (x: T, y: T) => number): T[] {
  for (let i = 1; i < a.length; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && cmp(a[j]!, v) > 0) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
  return a;
}

export function isSorted(a: readonly string[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i - 1]! > a[i]!) return false;
  return true;
}

/** The strings in order, copying only when they are not already sorted. */
export function sortedStrings(a: readonly string[]): readonly string[] {
  return isSorted(a) ? a : insertionSort([...a], (x, y) => (x < y ? -1 : x > y ? 1 : 0));
}
