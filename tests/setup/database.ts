import type { TestProject } from 'vitest/node';
import { provisionDatabase } from '../../tools/database';

/** Starts one database server for the run and hands its connection string to every test file. */
export default async function setup(project: TestProject) {
  const database = await provisionDatabase({ purpose: 'test' });
  console.log(`tests use ${database.server} at ${database.uri.replace(/\/\/[^@]*@/, '//***@')}`);
  project.provide('mongodbUri', database.uri);
  project.provide('mongodbServer', database.server);
  return async () => {
    await database.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    mongodbUri: string;
    mongodbServer: string;
  }
}
