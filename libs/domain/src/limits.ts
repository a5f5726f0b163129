/**
 * The largest integer an event can carry: avsc encodes an Avro `long` from a JavaScript number
 * only within ±(2^53 - 2) and refuses the rest as a possible loss of precision, so 2^53 - 1
 * (Number.MAX_SAFE_INTEGER) already fails at append time.
 */
export const MAX_EVENT_LONG = Number.MAX_SAFE_INTEGER - 1;

/**
 * The largest seq (and change sequence) a conversation can reach, and so the largest a client
 * may name. Every store holds it as it is: Avro `long`, Postgres and Cassandra `bigint`, the
 * timeline's Cassandra `int` bucket (seq / 1000), and a signed 32-bit integer in any client.
 * No conversation comes near it; a number above it names nothing and is refused at the edge.
 */
export const MAX_SEQ = 2 ** 31 - 1;

/** The largest media object a message may reference: what an event's `long` holds. */
export const MAX_MEDIA_BYTES = MAX_EVENT_LONG;

/**
 * Characters no store can hold: U+0000 (Postgres `text` refuses it with SQLSTATE 22021), as
 * the body of a regular expression character class.
 */
export const UNSTORABLE_CHARACTERS = '\\u0000';

/**
 * Whether every store can hold this text as it is: no U+0000, and well-formed UTF-16 (a lone
 * surrogate is not Unicode; JSON escapes can smuggle one in, and Avro, Cassandra and the JSON
 * the clients read would each carry it differently, or replaced).
 */
export const isStorableText = (value: string): boolean =>
  !value.includes('\u0000') && isWellFormed(value);

/** Well-formed UTF-16: no lone surrogate. (Node 20 has it; the ES2022 typings do not.) */
export const isWellFormed = (value: string): boolean =>
  (value as unknown as { isWellFormed(): boolean }).isWellFormed();
