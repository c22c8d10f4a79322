// Matches control requests to routes (`/control/accounts/:phoneNumber/link`), in registration order.
import { ControlError } from './control-error';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ControlRequest {
  method: HttpMethod;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body, `undefined` when the request had none. */
  body: unknown;
}

export interface ControlResponse {
  status: number;
  body?: unknown;
  /** Sends `body` (a string) as is with this content type instead of as JSON. */
  contentType?: string;
}

export type ControlHandler = (request: ControlRequest) => Promise<ControlResponse> | ControlResponse;

export interface ControlRoute {
  method: HttpMethod;
  /** A path with `:name` segments, e.g. `/control/accounts/:phoneNumber/messages`. */
  path: string;
  handle: ControlHandler;
  /** The largest request body the route takes; the server's default (1 MiB) otherwise. */
  maxBodyBytes?: number;
}

interface CompiledRoute extends ControlRoute {
  segments: string[];
}

export class ControlRouter {
  private readonly routes: CompiledRoute[] = [];

  add(route: ControlRoute): void {
    if (this.routes.some((existing) => existing.method === route.method && existing.path === route.path)) {
      throw new Error(`control route ${route.method} ${route.path} is already registered`);
    }
    this.routes.push({ ...route, segments: split(route.path) });
  }

  /** The body limit of the route a request would reach, if it has its own. */
  maxBodyBytes(method: string, path: string): number | undefined {
    const segments = split(path);
    return this.routes.find((route) => route.method === method && match(route.segments, segments))?.maxBodyBytes;
  }

  async dispatch(request: Omit<ControlRequest, 'params'>): Promise<ControlResponse> {
    const segments = split(request.path);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = match(route.segments, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method === request.method) return route.handle({ ...request, params });
    }
    if (pathMatched) throw new ControlError(405, `${request.method} is not allowed on ${request.path}`);
    throw new ControlError(404, `no control route ${request.method} ${request.path}`);
  }
}

function split(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function match(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index++) {
    const expected = pattern[index];
    if (expected.startsWith(':')) {
      try {
        params[expected.slice(1)] = decodeURIComponent(segments[index]);
      } catch {
        return undefined;
      }
    } else if (expected !== segments[index]) {
      return undefined;
    }
  }
  return params;
}
