import { z } from 'zod';

/**
 * How a schema reads the environment. A setting is declared once, as the variable it comes from
 * and the schema that checks and converts it; `section` gathers settings into the shape code
 * uses, and its output type is that shape. A bad value is reported under its variable's name.
 */

export type Env = Record<string, string | undefined>;

/** A schema that reads its settings from the environment and outputs T. */
export type EnvSchema<T> = z.ZodType<T, z.ZodTypeDef, unknown>;

/** Each variable is checked by its own setting; the whole is only required to be an object. */
const anyEnv: EnvSchema<Env> = z.custom<Env>((env) => typeof env === 'object' && env !== null);

/** The setting read from one variable. */
export function variable<T extends z.ZodTypeAny>(name: string, schema: T): EnvSchema<z.output<T>> {
  return z.object({ [name]: schema }).transform((env) => env[name] as z.output<T>);
}

type Fields = Record<string, EnvSchema<unknown>>;

/**
 * Settings (or sections) read from the same environment, each under its field. Every field's
 * problems are reported, and none of the refinements above a section runs on a partial one.
 */
export function section<F extends Fields>(
  fields: F,
): EnvSchema<{ [K in keyof F]: z.output<F[K]> }> {
  return anyEnv.transform((env, ctx) => {
    const settings: Record<string, unknown> = {};
    for (const [field, schema] of Object.entries(fields)) {
      const parsed = schema.safeParse(env);
      if (parsed.success) settings[field] = parsed.data;
      else for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, fatal: true });
    }
    return settings as { [K in keyof F]: z.output<F[K]> };
  });
}

/** Two sections read from the same environment, as one object. */
export function merged<A extends object, B extends object>(
  a: EnvSchema<A>,
  b: EnvSchema<B>,
): EnvSchema<A & B> {
  return section({ a, b }).transform(({ a, b }) => ({ ...a, ...b }));
}

export const port = z.coerce.number().int().min(1).max(65535);

/** A whole number of at least `min` (milliseconds, bytes, a count). */
export const atLeast = (min: number) => z.coerce.number().int().min(min);

/** A rate: any positive number, fractions included. */
export const positive = z.coerce.number().positive();

/** `on` or `off`, as a boolean. */
export const onOff = (fallback: 'on' | 'off') =>
  z
    .enum(['on', 'off'])
    .default(fallback)
    .transform((value) => value === 'on');

/** A comma-separated list: items trimmed, empty ones dropped. */
export const csv = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

/** A comma-separated list of names compared without case: lower-cased. */
export const lowerCaseList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => csv(value).map((item) => item.toLowerCase()));
