/** True for a duplicate-key error (E11000) from MongoDB or a compatible server. */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === 11000;
}

/**
 * Runs an upsert, retrying once when two concurrent upserts on a unique key both tried to insert:
 * the loser's retry then finds the winner's document and updates it.
 */
export async function upsertWithRetry<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return upsert();
  }
}

/**
 * Awaits an unordered bulk upsert, accepting rows that lost a race on a unique key (another writer inserted the
 * same row first, which is the outcome wanted). Any other error is thrown.
 */
export async function ignoringDuplicateKeys<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    const rows = (error as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
    const list = Array.isArray(rows) ? rows : rows ? [rows] : [];
    const onlyDuplicates = list.length > 0 ? list.every((row) => row.code === 11000) : isDuplicateKey(error);
    if (onlyDuplicates) return undefined;
    throw error;
  }
}
