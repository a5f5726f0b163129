/** What differs between the apps' connections; everything else comes from the Config. */
export interface ConnectionOptions {
  /** Names the app's Kafka client (`<KAFKA_CLIENT_ID>-<clientName>`). */
  clientName: string;
  /** Postgres connections the app holds at most. */
  postgresPoolSize: number;
}

export const CONNECTION_OPTIONS = Symbol('CONNECTION_OPTIONS');
