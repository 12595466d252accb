import mongoose from 'mongoose';

/** Connects the process's mongoose to the database and waits until every model's indexes exist. */
export async function connectDatabase(uri: string): Promise<void> {
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 15_000, autoIndex: true });
  // Unique indexes carry correctness (sign-in, refresh tokens), so serve nothing before they are built.
  await Promise.all(mongoose.modelNames().map((name) => mongoose.model(name).init()));
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}

export async function pingDatabase(): Promise<boolean> {
  try {
    const db = mongoose.connection.db;
    if (!db) return false;
    await db.admin().ping();
    return true;
  } catch {
    return false;
  }
}
