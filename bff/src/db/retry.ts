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
