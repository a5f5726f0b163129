import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads schemas/*.avsc and makes each event record self-contained.
 *
 * Authors write a named type once (Envelope, MemberRole, Ciphertext...) and refer to it by its
 * full name elsewhere. The registry needs every registered schema to stand alone, so the first
 * reference to a name inside a schema is replaced by the definition and later ones stay names,
 * exactly as Avro's own parser would expect. The output keeps the authors' key order, so the
 * serialized schema is stable and the registry never sees a spurious new version.
 */

export type AvroJson = null | boolean | number | string | AvroJson[] | { [key: string]: AvroJson };
type AvroObject = { [key: string]: AvroJson };

const NAMED_KINDS = new Set(['record', 'enum', 'fixed']);

export interface EventSchemaFile {
  /** Record name, which is also the event type, e.g. MessageSent. */
  name: string;
  /** Full name, e.g. chat.events.MessageSent. */
  fullName: string;
  /** The standalone schema with every referenced named type inlined once. */
  schema: AvroObject;
}

export function defaultSchemaDir(): string {
  return join(__dirname, '..', '..', '..', '..', 'schemas');
}

function isObject(value: AvroJson): value is AvroObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fullNameOf(node: AvroObject, enclosingNamespace: string | undefined): string {
  const name = String(node.name);
  if (name.includes('.')) return name;
  const namespace = typeof node.namespace === 'string' ? node.namespace : enclosingNamespace;
  return namespace ? `${namespace}.${name}` : name;
}

function namespaceOf(fullName: string): string | undefined {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? undefined : fullName.slice(0, dot);
}

/** Collects every named type defined anywhere in a schema, by full name. */
function collectNamedTypes(
  node: AvroJson,
  namespace: string | undefined,
  into: Map<string, AvroObject>,
): void {
  if (Array.isArray(node)) {
    node.forEach((item) => collectNamedTypes(item, namespace, into));
    return;
  }
  if (!isObject(node)) return;
  let inner = namespace;
  if (typeof node.type === 'string' && NAMED_KINDS.has(node.type) && 'name' in node) {
    const fullName = fullNameOf(node, namespace);
    if (into.has(fullName)) throw new Error(`Avro type ${fullName} is defined twice in schemas/`);
    into.set(fullName, node);
    inner = namespaceOf(fullName);
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'fields' && Array.isArray(value)) {
      value.forEach(
        (field) => isObject(field) && collectNamedTypes(field.type ?? null, inner, into),
      );
    } else if (key === 'type' || key === 'items' || key === 'values') {
      collectNamedTypes(value, inner, into);
    }
  }
}

const PRIMITIVES = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);
const TYPE_KEYWORDS = new Set([...PRIMITIVES, ...NAMED_KINDS, 'array', 'map']);

/** Copies a schema, replacing the first reference to each named type by its definition. */
function inline(
  node: AvroJson,
  namespace: string | undefined,
  known: Map<string, AvroObject>,
  defined: Set<string>,
): AvroJson {
  if (typeof node === 'string') {
    if (PRIMITIVES.has(node)) return node;
    const fullName = node.includes('.') ? node : `${namespace}.${node}`;
    if (defined.has(fullName)) return node;
    const definition = known.get(fullName);
    if (!definition) throw new Error(`unknown Avro type ${fullName}`);
    return inline(definition, namespaceOf(fullName), known, defined);
  }
  if (Array.isArray(node)) return node.map((item) => inline(item, namespace, known, defined));
  if (!isObject(node)) return node;

  let inner = namespace;
  const copy: AvroObject = {};
  if (typeof node.type === 'string' && NAMED_KINDS.has(node.type) && 'name' in node) {
    const fullName = fullNameOf(node, namespace);
    defined.add(fullName);
    inner = namespaceOf(fullName);
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'fields' && Array.isArray(value)) {
      copy.fields = value.map((field) =>
        isObject(field)
          ? {
              ...field,
              type: inline(field.type ?? null, inner, known, defined),
            }
          : field,
      );
    } else if (key === 'type' && typeof value === 'string' && TYPE_KEYWORDS.has(value)) {
      copy[key] = value;
    } else if (key === 'type' || key === 'items' || key === 'values') {
      copy[key] = inline(value, inner, known, defined);
    } else {
      copy[key] = value;
    }
  }
  return copy;
}

function isEventRecord(schema: AvroObject): boolean {
  return (
    schema.type === 'record' &&
    Array.isArray(schema.fields) &&
    schema.fields.some((field) => isObject(field) && field.name === 'envelope')
  );
}

/** Loads every event record (a record with an `envelope` field) from a folder of .avsc files. */
export function loadEventSchemas(dir: string = defaultSchemaDir()): EventSchemaFile[] {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.avsc'))
    .sort();
  const roots = files.map((file) => {
    const parsed = JSON.parse(readFileSync(join(dir, file), 'utf8')) as AvroJson;
    if (!isObject(parsed)) throw new Error(`${file}: a schema file holds one named type`);
    return { file, schema: parsed };
  });
  const known = new Map<string, AvroObject>();
  roots.forEach(({ schema }) => collectNamedTypes(schema, undefined, known));

  return roots
    .filter(({ schema }) => isEventRecord(schema))
    .map(({ file, schema }) => {
      const fullName = fullNameOf(schema, undefined);
      const name = String(schema.name);
      if (`${name}.avsc` !== file) throw new Error(`${file}: file name must be ${name}.avsc`);
      return {
        name,
        fullName,
        schema: inline(schema, namespaceOf(fullName), known, new Set()) as AvroObject,
      };
    });
}
