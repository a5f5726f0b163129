import { restartsUnderLoad } from './harness/service-restarts-suite';

/**
 * Every app rides out a restart of Cassandra under a steady load of sends: the timeline stops
 * while it is down and catches up after, the sends go on.
 */
restartsUnderLoad(['cassandra']);
