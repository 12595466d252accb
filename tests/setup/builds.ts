import { buildFrontendsIfStale } from '../../tools/frontends';

/** The end-to-end tests drive the real builds: build them first when missing or stale. */
export default function setup() {
  buildFrontendsIfStale((message) => console.log(message));
}
