import { loadConfig } from '@chat/config';
import { createCassandraClient } from '@chat/storage';
async function main() {
  const c = createCassandraClient(loadConfig());
  const r = await c.execute("SELECT name, completed_tasks FROM system_views.thread_pools");
  for (const row of r.rows) if (Number(row.completed_tasks) > 0) console.log(row.name, row.completed_tasks.toString());
  await c.shutdown();
}
main();
