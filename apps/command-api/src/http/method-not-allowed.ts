import type { NextFunction, Request, Response } from 'express';
import { refuse, sendProblem } from './problem';

interface DocumentedPaths {
  paths: Record<string, object>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * 405 with `Allow` for a method the document does not declare on a path it does (TRACE on a
 * conversation, PUT on the inbox): the path exists, so 404 would say the wrong thing. Built
 * from the OpenAPI document, so the two cannot disagree. Runs before routing and the body.
 */
export function methodNotAllowed(document: DocumentedPaths) {
  const routes = Object.entries(document.paths).map(([path, operations]) => {
    const allowed = Object.keys(operations)
      .filter((method) => METHODS.includes(method))
      .map((method) => method.toUpperCase());
    // HEAD is answered wherever GET is (Express does), so it is allowed there too.
    if (allowed.includes('GET')) allowed.push('HEAD');
    return { pattern: patternOf(path), allowed };
  });
  return (request: Request, response: Response, next: NextFunction) => {
    const path = request.path;
    const route = routes.find(({ pattern }) => pattern.test(path));
    if (!route || route.allowed.includes(request.method)) return next();
    response.setHeader('Allow', route.allowed.join(', '));
    sendProblem(response, refuse('method-not-allowed', `${request.method} is not allowed here`));
    request.resume();
  };
}

/** `/v1/conversations/{conversationId}` as a regular expression over one path segment each. */
function patternOf(path: string): RegExp {
  const escaped = path
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}/?$`);
}
