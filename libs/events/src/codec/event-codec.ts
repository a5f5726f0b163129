import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { AvroConfluentSchema } from '@kafkajs/confluent-schema-registry/dist/@types';
import * as avro from 'avsc';
import { EventError } from '../errors';
import { EVENT_SCHEMAS } from '../generated/event-schemas';
import { EVENT_TYPES, type ChatEvent, type EventType } from '../generated/event-types';
import { EVENT_NAMESPACE, subjectOf } from '../topics';
import { readHeader, writeHeader } from './wire-format';

export interface EventCodecOptions {
  /** Confluent-compatible base URL, e.g. http://127.0.0.1:18081/apis/ccompat/v7 */
  registryUrl: string;
  /** Reader/writer schemas by event type; defaults to the generated ones from schemas/. */
  schemas?: Partial<Record<EventType, object>>;
  /** Subject naming; defaults to topic-record-name. Tests use it to stay out of real subjects. */
  subjectOf?: (type: EventType) => string;
  /** Register a schema on first encode when it is missing (local and test setups). */
  autoRegister?: boolean;
  /** How long one registry request may take before it is retried (default 10 s). */
  requestTimeoutMs?: number;
}

export interface EventCodec {
  /** Avro in the Confluent wire format with the registry id of this build's schema. */
  encode(event: ChatEvent): Promise<Buffer>;
  /** Reads a record written with any registered version into this build's event shape. */
  decode(bytes: Buffer | null): Promise<ChatEvent>;
  /** Registers every event schema under its subject; returns subject -> schema id. */
  registerAll(): Promise<Map<string, number>>;
  readonly registry: SchemaRegistry;
}

interface ReaderForWriter {
  type: EventType;
  reader: avro.Type;
  resolver: avro.Resolver;
}

/**
 * The one Avro codec of the project. Schema ids and resolvers are cached, so after the first
 * record of each type and version the registry is not asked again.
 */
export function createEventCodec(options: EventCodecOptions): EventCodec {
  if (!options.registryUrl) throw new Error('createEventCodec: registryUrl is required');
  const registry = new SchemaRegistry({
    host: options.registryUrl,
    retry: { retries: 2, validateRetry: failedOrTimedOut },
    middlewares: [requestTimeout(options.requestTimeoutMs ?? REGISTRY_REQUEST_TIMEOUT_MS)],
  });
  const subjectFor = options.subjectOf ?? subjectOf;
  const schemaOf = (type: EventType) => options.schemas?.[type] ?? EVENT_SCHEMAS[type];
  const confluentSchemaOf = (type: EventType): AvroConfluentSchema => ({
    type: SchemaType.AVRO,
    schema: JSON.stringify(schemaOf(type)),
  });

  const readers = new Map<EventType, avro.Type>(
    EVENT_TYPES.map((type) => [type, avro.Type.forSchema(schemaOf(type) as avro.Schema)]),
  );
  const writerIds = new Map<EventType, Promise<number>>();
  const readersByWriterId = new Map<number, Promise<ReaderForWriter>>();

  const typeOfFullName = (fullName: string | undefined): EventType | undefined => {
    const prefix = `${EVENT_NAMESPACE}.`;
    const short = fullName?.startsWith(prefix) ? fullName.slice(prefix.length) : undefined;
    return EVENT_TYPES.find((type) => type === short);
  };

  async function lookUpId(type: EventType): Promise<number> {
    const schema = confluentSchemaOf(type);
    const subject = subjectFor(type);
    try {
      if (options.autoRegister) return (await registry.register(schema, { subject })).id;
      return await registry.getRegistryIdBySchema(subject, schema);
    } catch (error) {
      throw registryError(error, `no schema id for ${subject}`);
    }
  }

  function writerIdOf(type: EventType): Promise<number> {
    let id = writerIds.get(type);
    if (!id) {
      id = lookUpId(type);
      id.catch(() => writerIds.delete(type)); // a failed lookup is not cached
      writerIds.set(type, id);
    }
    return id;
  }

  async function resolveWriter(schemaId: number): Promise<ReaderForWriter> {
    let writer: avro.Type;
    try {
      writer = (await registry.getSchema(schemaId)) as unknown as avro.Type;
    } catch (error) {
      throw registryError(error, `schema id ${schemaId}`);
    }
    const type = typeOfFullName(writer.name);
    if (!type) {
      throw new EventError('unknown-event-type', `schema id ${schemaId} is ${writer.name}`);
    }
    const reader = readers.get(type)!;
    try {
      return { type, reader, resolver: reader.createResolver(writer) };
    } catch (error) {
      throw new EventError(
        'incompatible-schema',
        `${type} written with schema id ${schemaId} cannot be read by this version`,
        { cause: error },
      );
    }
  }

  function readerFor(schemaId: number): Promise<ReaderForWriter> {
    let entry = readersByWriterId.get(schemaId);
    if (!entry) {
      entry = resolveWriter(schemaId);
      entry.catch((error) => {
        if ((error as EventError).retriable) readersByWriterId.delete(schemaId);
      });
      readersByWriterId.set(schemaId, entry);
    }
    return entry;
  }

  return {
    registry,

    async encode(event) {
      const writer = readers.get(event.type);
      if (!writer)
        throw new EventError('invalid-event', `unknown event type ${String(event.type)}`);
      const invalidPaths: string[] = [];
      if (
        !writer.isValid(event, {
          errorHook: (path) => invalidPaths.push(path.join('.')),
        })
      ) {
        throw new EventError(
          'invalid-event',
          `${event.type} has invalid ${invalidPaths.join(', ')}`,
        );
      }
      return writeHeader(await writerIdOf(event.type), writer.toBuffer(event));
    },

    async decode(bytes) {
      const { schemaId, body } = readHeader(bytes);
      const { type, reader, resolver } = await readerFor(schemaId);
      let value: object;
      try {
        value = reader.fromBuffer(body, resolver) as object;
      } catch (error) {
        throw new EventError('corrupt-payload', `${type} body does not decode`, { cause: error });
      }
      return { type, ...value } as ChatEvent;
    },

    async registerAll() {
      const ids = new Map<string, number>();
      for (const type of EVENT_TYPES) {
        try {
          const { id } = await registry.register(confluentSchemaOf(type), {
            subject: subjectFor(type),
          });
          ids.set(subjectFor(type), id);
          writerIds.set(type, Promise.resolve(id));
        } catch (error) {
          throw registryError(error, `registering ${subjectFor(type)}`);
        }
      }
      return ids;
    },
  };
}

type RegistryArgs = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]>;
type RegistryMiddleware = NonNullable<RegistryArgs['middlewares']>[number];
type RegistryResponse = Parameters<
  NonNullable<NonNullable<RegistryArgs['retry']>['validateRetry']>
>[0];

/**
 * How long one registry request may take. Without a deadline a request the registry never
 * answers (seen once in a while right after it starts) leaves the caller waiting for ever:
 * `stack up` stalled in bootstrap with every service healthy.
 */
const REGISTRY_REQUEST_TIMEOUT_MS = 10_000;

/** Sets a deadline on every request of the registry client (the HTTP client aborts it). */
function requestTimeout(timeoutMs: number): RegistryMiddleware {
  return () => ({
    async prepareRequest(next) {
      const request = await next();
      return request.timeout() ? request : request.enhance({ timeout: timeoutMs });
    },
  });
}

/** Retried: a 5xx, and a request that ran out of time (registration is idempotent). */
function failedOrTimedOut(response: RegistryResponse): boolean {
  return response.status() >= 500 || response.error()?.name === 'TimeoutError';
}

/** 404s and 4xx answers are final; anything else (network, 5xx) may pass. */
function registryError(error: unknown, what: string): EventError {
  const status = (error as { status?: number }).status;
  const detail = error instanceof Error ? error.message : String(error);
  if (status === 404)
    return new EventError('unknown-schema-id', `${what}: not found`, {
      cause: error,
    });
  if (status !== undefined && status >= 400 && status < 500) {
    return new EventError('incompatible-schema', `${what}: ${detail}`, {
      cause: error,
    });
  }
  return new EventError('registry-unavailable', `${what}: ${detail}`, {
    cause: error,
  });
}
