import type { TestProject } from 'vitest/node';
import { provisionDatabase, type ProvisionedDatabase } from '../../tools/database';

// Every project inherits this global setup and vitest runs it once per project, all in the main process:
// they share one server through globalThis, and the last teardown stops it.
const shared = globalThis as typeof globalThis & {
  careloopTestDatabase?: { database: Promise<ProvisionedDatabase>; users: number };
};

/** Starts one database server for the run and hands its connection string to every test file. */
export default async function setup(project: TestProject) {
  if (!shared.careloopTestDatabase) {
    const database = provisionDatabase({ purpose: 'test' });
    shared.careloopTestDatabase = { database, users: 0 };
    const { server, uri } = await database;
    console.log(`tests use ${server} at ${uri.replace(/\/\/[^@]*@/, '//***@')}`);
  }
  shared.careloopTestDatabase.users += 1;
  const database = await shared.careloopTestDatabase.database;
  project.provide('mongodbUri', database.uri);
  project.provide('mongodbServer', database.server);
  return async () => {
    const entry = shared.careloopTestDatabase!;
    entry.users -= 1;
    if (entry.users === 0) {
      shared.careloopTestDatabase = undefined;
      await database.stop();
    }
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    mongodbUri: string;
    mongodbServer: string;
  }
}
