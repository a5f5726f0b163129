import type { AvroJson, EventSchemaFile } from '../../libs/events/src/schema/avro-schema-files';

/**
 * Turns the event schemas into TypeScript: one interface per record, a string union per enum,
 * and the standalone schemas as data. The generated files are committed and a unit test fails
 * when they differ from what schemas/ produces, so types and schemas never drift apart.
 */

const HEADER = '// Generated from schemas/*.avsc by `npm run codegen`. Do not edit by hand.\n';

type Node = AvroJson;
type Obj = { [key: string]: AvroJson };
const isObj = (n: Node): n is Obj => typeof n === 'object' && n !== null && !Array.isArray(n);

const PRIMITIVE_TS: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Buffer',
  string: 'string',
};

const shortName = (name: string) => name.slice(name.lastIndexOf('.') + 1);

function docComment(doc: Node, indent: string): string {
  return typeof doc === 'string' ? `${indent}/** ${doc} */\n` : '';
}

class Renderer {
  private readonly declarations = new Map<string, string>();

  constructor(private readonly eventNames: Set<string>) {}

  typeOf(node: Node): string {
    if (typeof node === 'string') return PRIMITIVE_TS[node] ?? shortName(node);
    if (Array.isArray(node)) return node.map((branch) => this.typeOf(branch)).join(' | ');
    if (!isObj(node)) throw new Error(`unsupported Avro node ${JSON.stringify(node)}`);
    switch (node.type) {
      case 'record':
        return this.record(node);
      case 'enum':
        return this.enumeration(node);
      case 'array':
        return `Array<${this.typeOf(node.items ?? null)}>`;
      case 'map':
        return `Record<string, ${this.typeOf(node.values ?? null)}>`;
      default:
        return this.typeOf(node.type ?? null);
    }
  }

  private record(node: Obj): string {
    const name = shortName(String(node.name));
    if (this.declarations.has(name)) return name;
    this.declarations.set(name, ''); // reserve the slot so dependencies render after it
    const fields = (node.fields as Obj[]).map(
      (field) =>
        `${docComment(field.doc ?? null, '  ')}  ${String(field.name)}: ${this.typeOf(field.type ?? null)};\n`,
    );
    const discriminant = this.eventNames.has(name)
      ? `  /** The event type; not serialized: the Avro record name carries it. */\n  type: '${name}';\n`
      : '';
    this.declarations.set(
      name,
      `${docComment(node.doc ?? null, '')}export interface ${name} {\n${discriminant}${fields.join('')}}\n`,
    );
    return name;
  }

  private enumeration(node: Obj): string {
    const name = shortName(String(node.name));
    if (!this.declarations.has(name)) {
      const symbols = (node.symbols as string[]).map((symbol) => `'${symbol}'`).join(' | ');
      this.declarations.set(
        name,
        `${docComment(node.doc ?? null, '')}export type ${name} = ${symbols};\n`,
      );
    }
    return name;
  }

  output(): string {
    return [...this.declarations.values()].join('\n');
  }
}

export function renderEventTypes(events: EventSchemaFile[]): string {
  const names = events.map((event) => event.name);
  const renderer = new Renderer(new Set(names));
  events.forEach((event) => renderer.typeOf(event.schema));
  return `${HEADER}/* eslint-disable */

${renderer.output()}
export const EVENT_TYPES = [${names.map((name) => `'${name}'`).join(', ')}] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export type ChatEvent = ${names.join(' | ')};
`;
}

export function renderEventSchemas(events: EventSchemaFile[]): string {
  const entries = events
    .map((event) => `  ${event.name}: ${JSON.stringify(event.schema)},`)
    .join('\n');
  return `${HEADER}/* eslint-disable */
import type { EventType } from './event-types';

/** Standalone Avro schema of every event, keyed by event type. */
export const EVENT_SCHEMAS: Record<EventType, object> = {
${entries}
};
`;
}
