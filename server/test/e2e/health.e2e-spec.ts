import { createTestDatabase, TestDatabase } from '../support/database';
import { ServerProcess, startServerProcess } from '../support/server-process';

describe('health and metrics', () => {
  let database: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({ databaseUrl: database.url });
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('reports the database as up without authentication', async () => {
    const response = await fetch(`${server.baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', database: 'up' });
  });

  it('serves Prometheus metrics including HTTP request counters', async () => {
    await fetch(`${server.baseUrl}/health`);
    const response = await fetch(`${server.baseUrl}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toMatch(/wago_http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('publishes the OpenAPI document with both auth schemes', async () => {
    const response = await fetch(`${server.baseUrl}/api/docs-json`);
    const document = (await response.json()) as { components: { securitySchemes: Record<string, unknown> } };
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
  });

  it('exits cleanly on SIGTERM', async () => {
    const other = await startServerProcess({ databaseUrl: database.url });
    expect(await other.stop()).toBe(0);
  });
});
