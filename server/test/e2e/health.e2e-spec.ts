import { Agent, get } from 'node:http';
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

  it('lets a client that keeps its connection busy go when stopping, instead of waiting for it forever', async () => {
    // Past the handoff and the last-resort timer (SHUTDOWN_HANDOFF_SECONDS + 40 s), a stuck shutdown exits with 1.
    const other = await startServerProcess({ databaseUrl: database.url, env: { SHUTDOWN_HANDOFF_SECONDS: '1' } });
    // One kept-alive connection, never idle, as a load balancer's to a node under load. The node lets it go either by
    // answering `Connection: close` or by closing it between two requests: both end with the node unreachable.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let answers = 0;
    let running = true;
    const busy = (async () => {
      while (running) {
        const answer = await getHealth(other.baseUrl, agent).catch((error: NodeJS.ErrnoException) => error);
        if (answer instanceof Error && answer.code === 'ECONNREFUSED') return;
        if (!(answer instanceof Error)) answers++;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const code = await other.stop();
    running = false;
    await busy;
    agent.destroy();
    expect(answers).toBeGreaterThan(0);
    expect(code).toBe(0);
  });
});

/** GET /health on the agent's connection; resolves with the answer's Connection header. */
function getHealth(baseUrl: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`${baseUrl}/health`, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(String(response.headers.connection)));
    }).on('error', reject);
  });
}
