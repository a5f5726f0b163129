import * as avro from 'avsc';

/**
 * Says which fields make `next` unable to read data written with `previous` (BACKWARD
 * compatibility: consumers upgrade first and must read the old events still in the log).
 * Returns one sentence per offending field, with its path; empty when `next` can read it all.
 */
export function explainIncompatibility(next: object, previous: object): string[] {
  const reader = avro.Type.forSchema(next as avro.Schema);
  const writer = avro.Type.forSchema(previous as avro.Schema);
  const name = String(reader.name ?? 'record');
  return explain(reader, writer, name.slice(name.lastIndexOf('.') + 1));
}

function canRead(reader: avro.Type, writer: avro.Type): boolean {
  try {
    reader.createResolver(writer);
    return true;
  } catch {
    return false;
  }
}

function describe(type: avro.Type): string {
  return type.name ?? type.typeName;
}

function explain(reader: avro.Type, writer: avro.Type, path: string): string[] {
  if (!(reader instanceof avro.types.RecordType) || !(writer instanceof avro.types.RecordType)) {
    return canRead(reader, writer)
      ? []
      : [`${path}: cannot read ${describe(writer)} as ${describe(reader)}`];
  }
  const problems: string[] = [];
  for (const field of reader.fields) {
    const fieldPath = `${path}.${field.name}`;
    const old = writer.field(field.name);
    if (!old) {
      if (field.defaultValue() === undefined) {
        problems.push(`${fieldPath}: added without a default, so older events cannot fill it`);
      }
      continue;
    }
    if (field.type instanceof avro.types.RecordType && old.type instanceof avro.types.RecordType) {
      problems.push(...explain(field.type, old.type, fieldPath));
    } else if (
      field.type instanceof avro.types.EnumType &&
      old.type instanceof avro.types.EnumType
    ) {
      const kept = new Set(field.type.symbols);
      const lost = old.type.symbols.filter((symbol) => !kept.has(symbol));
      if (lost.length > 0 && !canRead(field.type, old.type)) {
        problems.push(
          `${fieldPath}: enum symbols removed (${lost.join(', ')}), so older events cannot be read`,
        );
      }
    } else if (!canRead(field.type, old.type)) {
      problems.push(
        `${fieldPath}: type changed from ${describe(old.type)} to ${describe(field.type)}, which cannot read the old values`,
      );
    }
  }
  return problems;
}
