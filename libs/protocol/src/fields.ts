import { z, type ZodTypeDef } from 'zod';
// The bounds alone, not the domain's index: the protocol is loaded by browsers too.
import { isWellFormed, UNSTORABLE_CHARACTERS } from '@chat/domain/limits';

/** Whitespace and control characters, spelled out: `\s` differs between regex dialects. */
const SPACES =
  '\\u0001-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF';

/** What a refinement checks, in JSON Schema words, for the OpenAPI document. */
const documented = new WeakMap<ZodTypeDef, Record<string, unknown>>();

/** JSON Schema keywords a field's refinements add to what its base type says. */
export const documentedKeywords = (def: ZodTypeDef) => documented.get(def);

/**
 * A rule across an object's fields that validation leaves to the command's decision (a text
 * message needs a body or a ciphertext), said in JSON Schema words so the document admits
 * only what is accepted.
 */
export function documentedRule<T extends z.ZodTypeAny>(
  schema: T,
  keywords: Record<string, unknown>,
) {
  documented.set(schema._def, { ...documented.get(schema._def), ...keywords });
  return schema;
}

/** A list in which no value appears twice, said so in the document (`uniqueItems`). */
export function distinct<T extends z.ZodTypeAny>(schema: z.ZodArray<T>) {
  const refined = schema.refine(
    (values) => new Set(values).size === values.length,
    'lists a value twice',
  );
  documented.set(refined._def, { uniqueItems: true });
  return refined;
}

/**
 * A text field, in one shared rule: only what every store can hold (no U+0000, which Postgres
 * refuses, and no lone surrogates) and `min` to `max` characters, counted as code points as
 * JSON Schema's minLength/maxLength count them (zod's `.max()` would count UTF-16 units).
 * The pattern and the lengths appear in the OpenAPI document as they are checked here. A lone
 * surrogate has no JSON Schema spelling (its tools read strings as Unicode scalar values, in
 * which it cannot occur), so that one check is the validator's alone.
 */
export function text(options: { min?: number; max: number; spaces?: boolean }) {
  const { min = 0, max, spaces = true } = options;
  const refused = spaces ? UNSTORABLE_CHARACTERS : `${UNSTORABLE_CHARACTERS}${SPACES}`;
  const schema = z
    .string()
    .regex(
      new RegExp(`^[^${refused}]*$`, 'u'),
      spaces ? 'contains U+0000, which cannot be stored' : 'no spaces or control characters',
    )
    .refine(isWellFormed, 'contains a lone surrogate, which is not text')
    .refine((value) => {
      const length = [...value].length;
      return length >= min && length <= max;
    }, `${min} to ${max} characters`);
  documented.set(schema._def, { ...(min > 0 ? { minLength: min } : {}), maxLength: max });
  return schema;
}

/**
 * The code a rule across fields names (`params.code`), so input refused by it is refused with
 * the code its decision would give, on every transport.
 */
export function namedRuleCode(issues: z.ZodIssue[]): string | undefined {
  for (const issue of issues) {
    if (issue.code === 'custom' && typeof issue.params?.code === 'string') return issue.params.code;
  }
  return undefined;
}
