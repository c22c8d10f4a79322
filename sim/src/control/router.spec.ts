import { ControlError } from './control-error';
import { ControlRouter } from './router';

describe('ControlRouter', () => {
  const router = new ControlRouter();
  router.add({ method: 'GET', path: '/control/health', handle: () => ({ status: 200, body: 'ok' }) });
  router.add({
    method: 'POST',
    path: '/control/accounts/:phoneNumber/link',
    handle: ({ params }) => ({ status: 200, body: params }),
  });

  const request = (method: 'GET' | 'POST', path: string) =>
    router.dispatch({ method, path, query: new URLSearchParams(), body: undefined });

  it('passes decoded path parameters to the handler', async () => {
    await expect(request('POST', '/control/accounts/%2B15550000001/link')).resolves.toEqual({
      status: 200,
      body: { phoneNumber: '+15550000001' },
    });
  });

  it('answers 405 for a known path with another method and 404 for an unknown path', async () => {
    await expect(request('POST', '/control/health')).rejects.toEqual(
      new ControlError(405, 'POST is not allowed on /control/health'),
    );
    await expect(request('GET', '/control/nope')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('refuses to register the same route twice', () => {
    expect(() => router.add({ method: 'GET', path: '/control/health', handle: () => ({ status: 204 }) })).toThrow(
      'already registered',
    );
  });
});
