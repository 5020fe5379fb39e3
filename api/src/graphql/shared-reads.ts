/**
 * One refetch per shared value and selection. Live feeds hand the same object to many subscribers
 * (every dashboard of the same channels gets one snapshot); a field that refetches rows for it with
 * the caller's selection reads them once for all of them, not once per subscriber. Field-level
 * authorization still runs per subscriber, on the shared rows.
 */
const reads = new WeakMap<object, Map<string, Promise<unknown>>>();

export function sharedRead<T>(owner: object, selection: unknown, read: () => Promise<T>): Promise<T> {
  let bySelection = reads.get(owner);
  if (!bySelection) {
    bySelection = new Map();
    reads.set(owner, bySelection);
  }
  const key = JSON.stringify(selection);
  let result = bySelection.get(key) as Promise<T> | undefined;
  if (!result) {
    result = read();
    bySelection.set(key, result);
  }
  return result;
}
