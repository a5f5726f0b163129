import { loadConfig } from '@chat/config';
import { subjectOf, type EventType } from '@chat/events';
import {
  loadEventSchemas,
  type EventSchemaFile,
} from '../../libs/events/src/schema/avro-schema-files';
import { explainIncompatibility } from './explain-incompatibility';

/**
 * The compatibility gate: every schema in schemas/ must be able to read what the registry
 * already holds for its subject (BACKWARD). Run before registering or deploying a change.
 */

export type GateVerdict =
  | { subject: string; status: 'new' }
  | { subject: string; status: 'compatible' }
  | { subject: string; status: 'incompatible'; problems: string[] };

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

async function registryCall(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { ...init, headers: { 'content-type': CONTENT_TYPE } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export async function checkSchema(
  registryUrl: string,
  subject: string,
  schema: object,
): Promise<GateVerdict> {
  const base = `${registryUrl}/subjects/${encodeURIComponent(subject)}/versions/latest`;
  const latest = await registryCall(base);
  if (latest.status === 404) return { subject, status: 'new' };
  if (latest.status !== 200) {
    throw new Error(
      `registry answered ${latest.status} for ${subject}: ${JSON.stringify(latest.body)}`,
    );
  }
  const verdict = await registryCall(
    `${registryUrl}/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest`,
    { method: 'POST', body: JSON.stringify({ schema: JSON.stringify(schema) }) },
  );
  const compatible = (verdict.body as { is_compatible?: boolean } | undefined)?.is_compatible;
  if (verdict.status === 200 && compatible === true) return { subject, status: 'compatible' };
  if (verdict.status !== 200 && verdict.status !== 409 && verdict.status !== 422) {
    throw new Error(
      `registry answered ${verdict.status} for ${subject}: ${JSON.stringify(verdict.body)}`,
    );
  }
  const previous = JSON.parse((latest.body as { schema: string }).schema) as object;
  const problems = explainIncompatibility(schema, previous);
  return {
    subject,
    status: 'incompatible',
    problems: problems.length > 0 ? problems : ['the registry rejects it (no single field found)'],
  };
}

export async function checkAllSchemas(
  registryUrl: string,
  events: EventSchemaFile[] = loadEventSchemas(),
  subjectFor: (type: EventType) => string = subjectOf,
): Promise<GateVerdict[]> {
  return Promise.all(
    events.map((event) =>
      checkSchema(registryUrl, subjectFor(event.name as EventType), event.schema),
    ),
  );
}

export function formatVerdict(verdict: GateVerdict): string {
  if (verdict.status !== 'incompatible') return `ok    ${verdict.subject} (${verdict.status})`;
  return [
    `FAIL  ${verdict.subject} is not BACKWARD compatible:`,
    ...verdict.problems.map((p) => `        ${p}`),
  ].join('\n');
}

async function main(): Promise<number> {
  const { registry } = loadConfig();
  const verdicts = await checkAllSchemas(registry.value);
  verdicts.forEach((verdict) => console.log(formatVerdict(verdict)));
  const failed = verdicts.filter((verdict) => verdict.status === 'incompatible');
  console.log(
    failed.length === 0
      ? `schemas: all ${verdicts.length} subjects compatible with ${registry.value}`
      : `schemas: ${failed.length} of ${verdicts.length} subjects incompatible`,
  );
  return failed.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`schemas: cannot check against the registry: ${error.message}`);
      process.exit(2);
    },
  );
}
