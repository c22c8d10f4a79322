import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { AuditController } from '../audit/audit.controller';
import { ClusterController } from '../cluster/cluster.controller';
import { ContactsController } from '../contacts/contacts.controller';
import { GroupsController } from '../groups/groups.controller';
import { HealthController } from '../health/health.controller';
import { HistoryController } from '../history/history.controller';
import { MediaController } from '../media/media.controller';
import { ChatsController } from '../messages/chats.controller';
import { MessagesController } from '../messages/messages.controller';
import { SessionsController } from '../sessions/sessions.controller';
import { SinksController } from '../sinks/sinks.controller';
import { StatsController } from '../stats/stats.controller';
import { WebhooksController } from '../webhooks/webhooks.controller';
import { PERSON_ONLY } from './access.decorators';
import { ANY_SCOPE, API_KEY_SCOPES, REQUIRED_SCOPE, reachesSession } from './api-key-scopes';
import { ApiKeysController } from './api-keys.controller';
import { AuthController } from './auth.controller';
import { IS_PUBLIC } from './public.decorator';
import { UsersController } from './users.controller';

type Controller = abstract new (...args: never[]) => unknown;

const CONTROLLERS: Controller[] = [
  ApiKeysController,
  AuditController,
  AuthController,
  ChatsController,
  ClusterController,
  ContactsController,
  GroupsController,
  HealthController,
  HistoryController,
  MediaController,
  MessagesController,
  SessionsController,
  SinksController,
  StatsController,
  UsersController,
  WebhooksController,
];

interface Route {
  name: string;
  handler: object;
  controller: Controller;
}

/** The controller classes declared in the *.controller.ts files under server/src. */
function declaredControllers(): string[] {
  const root = join(__dirname, '..');
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.controller.ts'))
    .flatMap((file) => [...readFileSync(join(root, file), 'utf8').matchAll(/export class (\w+)/g)].map((m) => m[1]));
}

/** Every route of the controllers, read from Nest's metadata as the router reads it. */
function allRoutes(): Route[] {
  return CONTROLLERS.flatMap((controller) => {
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype).flatMap((key) => {
      const handler = prototype[key];
      if (typeof handler !== 'function') return [];
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) return [];
      const path = [Reflect.getMetadata(PATH_METADATA, controller), Reflect.getMetadata(PATH_METADATA, handler)]
        .filter((part: string) => part && part !== '/')
        .join('/');
      return [{ name: `${RequestMethod[method]} /${path} (${controller.name})`, handler, controller }];
    });
  });
}

describe('API key scopes', () => {
  const reflector = new Reflector();
  const routes = allRoutes();
  const declared = (route: Route, key: string): unknown =>
    reflector.getAllAndOverride(key, [route.handler as () => void, route.controller]);

  it('walks every controller there is', () => {
    expect(CONTROLLERS.map((controller) => controller.name).sort()).toEqual(declaredControllers().sort());
  });

  it('has every route an API key may call declare the scope it needs (or that any key may call it)', () => {
    const keyRoutes = routes.filter((route) => !declared(route, IS_PUBLIC) && !declared(route, PERSON_ONLY));
    const undeclared = keyRoutes.filter((route) => declared(route, REQUIRED_SCOPE) === undefined);
    expect(undeclared.map((route) => route.name)).toEqual([]);
    for (const route of keyRoutes) {
      expect([...API_KEY_SCOPES, ANY_SCOPE]).toContain(declared(route, REQUIRED_SCOPE));
    }
  });

  it('uses every published scope on some route', () => {
    const used = new Set(routes.map((route) => declared(route, REQUIRED_SCOPE)));
    expect(API_KEY_SCOPES.filter((scope) => !used.has(scope))).toEqual([]);
  });

  it('lets a console request and an unlimited key reach any session, a limited key only its own', () => {
    expect(reachesSession(undefined, 'a')).toBe(true);
    expect(reachesSession({ scopes: [], sessionIds: null }, 'a')).toBe(true);
    expect(reachesSession({ scopes: [], sessionIds: ['a'] }, 'a')).toBe(true);
    expect(reachesSession({ scopes: [], sessionIds: ['a'] }, 'b')).toBe(false);
  });
});
