/**
 * Postgres `text` cannot hold U+0000, which Avro, Kafka and Cassandra hold. The inbox must take
 * every event the log holds (the domain, not a store, decides what counts), so free text it
 * keeps (titles, previews) goes through this one deterministic mapping: a rebuild maps the same.
 * U+FFFD is Unicode's own mark for a character that could not be represented.
 */
export const storableText = (text: string): string => text.replaceAll('\u0000', '\uFFFD');

/** How the inbox maps free text into its store. */
export type TextMapping = (text: string) => string;
