import { inject } from 'vitest';

/** A connection string for a database of this test file's own, on the server the run provisioned. */
export function testDatabaseUri(name: string): string {
  const url = new URL(inject('mongodbUri'));
  url.pathname = '/' + name.replace(/[^a-zA-Z0-9_]/g, '_').slice(0, 60);
  return url.toString();
}
