/** A command the command API refused, with its problem code (or why it could not be asked). */
export class CommandRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'CommandRefused';
  }
}

/**
 * Sends, acknowledgements and reads go through the command API, with the connection's own
 * token: one write path, one set of rules, rate limits and idempotency for every client.
 */
export class CommandClient {
  constructor(private readonly baseUrl: string) {}

  send(token: string, conversationId: string, body: Record<string, unknown>) {
    return this.post(
      token,
      `/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      body,
    );
  }

  delivered(token: string, conversationId: string, upToSeq: number, deviceId: string | null) {
    return this.post(token, `/v1/conversations/${encodeURIComponent(conversationId)}/delivered`, {
      upToSeq,
      ...(deviceId ? { deviceId } : {}),
    });
  }

  read(token: string, conversationId: string, upToSeq: number) {
    return this.post(token, `/v1/conversations/${encodeURIComponent(conversationId)}/read`, {
      upToSeq,
    });
  }

  /** The command API authorizes it (membership from the join seq) and signs the URL. */
  mediaUrl(token: string, conversationId: string, messageId: string) {
    return this.call(
      token,
      'GET',
      `/v1/conversations/${encodeURIComponent(conversationId)}/messages/${encodeURIComponent(messageId)}/media`,
    );
  }

  private post(token: string, path: string, body: unknown): Promise<unknown> {
    return this.call(token, 'POST', path, body);
  }

  private async call(
    token: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10000),
      });
    } catch (error) {
      throw new CommandRefused(
        'unavailable',
        `the command API did not answer: ${(error as Error).message}`,
        503,
      );
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (response.ok) return parsed;
    throw new CommandRefused(
      typeof parsed.code === 'string' ? parsed.code : `http-${response.status}`,
      typeof parsed.detail === 'string' ? parsed.detail : response.statusText,
      response.status,
    );
  }
}
