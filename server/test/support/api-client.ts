// A small HTTP client for end-to-end tests: JSON in, {status, headers, body} out, as a script or a microservice would call WAGO.
export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  body?: unknown;
  /** A raw request body, sent as JSON content, for malformed-input tests. */
  raw?: string;
  token?: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

export interface SignedIn {
  accessToken: string;
  expiresIn: number;
  user: { id: string; username: string; role: 'admin' | 'user'; createdAt: string };
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.apiKey) headers['x-api-key'] = options.apiKey;
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers,
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await response.text();
    const isJson = response.headers.get('content-type')?.includes('json') ?? false;
    return {
      status: response.status,
      headers: response.headers,
      body: (isJson && text ? JSON.parse(text) : text) as T,
    };
  }

  /** Registers the first user (the admin) on a fresh server. */
  async setupAdmin(username = 'admin', pin = '135792468'): Promise<SignedIn> {
    const answer = await this.call<SignedIn>('POST', '/auth/register', { body: { username, pin } });
    if (answer.status !== 201)
      throw new Error(`First registration failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** An admin creates a user, who then signs in. */
  async createUser(admin: SignedIn, username: string, pin = '246813579'): Promise<SignedIn> {
    const created = await this.call('POST', '/auth/register', { token: admin.accessToken, body: { username, pin } });
    if (created.status !== 201)
      throw new Error(`User creation failed: ${created.status} ${JSON.stringify(created.body)}`);
    const login = await this.call<SignedIn>('POST', '/auth/login', { body: { username, pin } });
    if (login.status !== 200) throw new Error(`Login failed: ${login.status} ${JSON.stringify(login.body)}`);
    return login.body;
  }
}
