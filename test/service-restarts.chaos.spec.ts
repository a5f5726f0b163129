import { restartsUnderLoad } from './harness/service-restarts-suite';

/**
 * Every app rides out a restart of each service it uses, under a steady load of sends:
 * Postgres (a fast shutdown, terminating every session), Redis, Kafka, the schema registry and
 * the object store, one after the other. Cassandra, slow to start, has a file of its own.
 */
restartsUnderLoad(['postgres', 'redis', 'kafka', 'registry', 's3']);
