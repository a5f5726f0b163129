import type { IncomingMessage } from 'node:http';

/** The bearer token of a request: the Authorization header, or `access_token` for browsers. */
export function tokenOf(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const url = new URL(request.url ?? '/', 'http://gateway');
  return url.searchParams.get('access_token') ?? undefined;
}
