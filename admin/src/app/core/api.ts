// The one typed client of the WAGO REST API; every screen talks to the server through it.
import { HttpClient, HttpContext, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type {
  AccessToken,
  ApiKey,
  AuditEntry,
  AuditQuery,
  ChangePinRequest,
  Chat,
  CreateApiKeyRequest,
  CreatedApiKey,
  CreatedUser,
  CreatedWebhook,
  CreateSessionRequest,
  CreateUserRequest,
  Credentials,
  Delivery,
  DeliveryDetail,
  DeliveryListQuery,
  Group,
  GroupDetail,
  GroupListQuery,
  MessagePage,
  MessagePageQuery,
  MessageSearchQuery,
  NewSink,
  Page,
  PageQuery,
  PairingCode,
  PairingCodeRequest,
  Redeliveries,
  RedeliverFailedRequest,
  Session,
  SessionListQuery,
  SessionQr,
  SetupState,
  Sink,
  SinkSettings,
  SinkTestResult,
  Stats,
  UpdateSessionRequest,
  User,
  Webhook,
  WebhookSecret,
  WebhookSettings,
  WebhookTestResult,
} from './api-types';
import { CALLER_SHOWS_ERRORS } from './error-interceptor';

export const API_BASE = '/api/v1';

type QueryValue = string | number | boolean | undefined;

/** For requests whose every failure the screen explains in place (a sign-in form's message), 401 included. */
const callerShowsErrors = () => new HttpContext().set(CALLER_SHOWS_ERRORS, true);

@Injectable({ providedIn: 'root' })
export class Api {
  private readonly http = inject(HttpClient);

  readonly auth = {
    setupState: () => this.get<SetupState>('/auth/setup'),
    /** Creates the first user; only allowed while there is none. */
    setUp: (credentials: Credentials) => this.post<AccessToken>('/auth/register', credentials, callerShowsErrors()),
    login: (credentials: Credentials) => this.post<AccessToken>('/auth/login', credentials, callerShowsErrors()),
    me: () => this.get<User>('/auth/me'),
    /** Every earlier token stops working: the answer is the new sign-in. */
    changePin: (request: ChangePinRequest) => this.post<AccessToken>('/auth/pin', request, callerShowsErrors()),
  };

  readonly users = {
    list: (query: PageQuery = {}) => this.get<Page<User>>('/users', { ...query }),
    create: (request: CreateUserRequest) => this.post<CreatedUser>('/auth/register', request),
    delete: (userId: string) => this.delete(`/users/${encodeURIComponent(userId)}`),
    /** Lifts the user's sign-in locks, whichever address earned them. */
    unlock: (userId: string) => this.post<null>(`/users/${encodeURIComponent(userId)}/unlock`),
  };

  readonly apiKeys = {
    list: (query: PageQuery = {}) => this.get<Page<ApiKey>>('/auth/api-keys', { ...query }),
    create: (request: CreateApiKeyRequest) => this.post<CreatedApiKey>('/auth/api-keys', request),
    revoke: (apiKeyId: string) => this.delete(`/auth/api-keys/${encodeURIComponent(apiKeyId)}`),
  };

  readonly sessions = {
    list: (query: SessionListQuery = {}) => this.get<Page<Session>>('/sessions', { ...query }),
    get: (sessionId: string) => this.get<Session>(sessionPath(sessionId)),
    create: (request: CreateSessionRequest) => this.post<Session>('/sessions', request),
    update: (sessionId: string, request: UpdateSessionRequest) => this.patch<Session>(sessionPath(sessionId), request),
    delete: (sessionId: string) => this.delete(sessionPath(sessionId)),
    start: (sessionId: string) => this.post<Session>(`${sessionPath(sessionId)}/start`),
    stop: (sessionId: string) => this.post<Session>(`${sessionPath(sessionId)}/stop`),
    logout: (sessionId: string) => this.post<Session>(`${sessionPath(sessionId)}/logout`),
    /** Answers 409 while the session shows no QR code. */
    qr: (sessionId: string) => this.get<SessionQr>(`${sessionPath(sessionId)}/qr`),
    requestPairingCode: (sessionId: string, request: PairingCodeRequest) =>
      this.post<PairingCode>(`${sessionPath(sessionId)}/pairing-code`, request),
  };

  /** The session's stored chats and messages, read-only. */
  readonly history = {
    chats: (sessionId: string, query: PageQuery = {}) =>
      this.get<Page<Chat>>(`${sessionPath(sessionId)}/chats`, { ...query }),
    chatMessages: (sessionId: string, chatJid: string, query: MessagePageQuery = {}) =>
      this.get<MessagePage>(`${sessionPath(sessionId)}/chats/${encodeURIComponent(chatJid)}/messages`, { ...query }),
    search: (sessionId: string, query: MessageSearchQuery) =>
      this.get<MessagePage>(`${sessionPath(sessionId)}/messages`, { ...query }),
  };

  readonly groups = {
    /** Answers 409 while the session is not connected and never read its groups. */
    list: (sessionId: string, query: GroupListQuery = {}) =>
      this.get<Page<Group>>(`${sessionPath(sessionId)}/groups`, { ...query }),
    get: (sessionId: string, groupJid: string) =>
      this.get<GroupDetail>(`${sessionPath(sessionId)}/groups/${encodeURIComponent(groupJid)}`),
  };

  readonly webhooks = {
    list: (sessionId: string, query: PageQuery = {}) =>
      this.get<Page<Webhook>>(`${sessionPath(sessionId)}/webhooks`, { ...query }),
    create: (sessionId: string, settings: WebhookSettings) =>
      this.post<CreatedWebhook>(`${sessionPath(sessionId)}/webhooks`, settings),
    get: (webhookId: string) => this.get<Webhook>(webhookPath(webhookId)),
    update: (webhookId: string, settings: Partial<WebhookSettings>) =>
      this.patch<Webhook>(webhookPath(webhookId), settings),
    delete: (webhookId: string) => this.delete(webhookPath(webhookId)),
    test: (webhookId: string) => this.post<WebhookTestResult>(`${webhookPath(webhookId)}/test`),
    rotateSecret: (webhookId: string) => this.post<WebhookSecret>(`${webhookPath(webhookId)}/rotate-secret`),
    deliveries: (webhookId: string, query: DeliveryListQuery = {}) =>
      this.get<Page<Delivery>>(`${webhookPath(webhookId)}/deliveries`, { ...query }),
    redeliverFailed: (webhookId: string, request: RedeliverFailedRequest) =>
      this.post<Redeliveries>(`${webhookPath(webhookId)}/deliveries/redeliver`, request),
  };

  /** Message-broker sinks: their deliveries are in the same log as the webhooks' (`deliveries`). */
  readonly sinks = {
    list: (sessionId: string, query: PageQuery = {}) =>
      this.get<Page<Sink>>(`${sessionPath(sessionId)}/sinks`, { ...query }),
    create: (sessionId: string, sink: NewSink) => this.post<Sink>(`${sessionPath(sessionId)}/sinks`, sink),
    get: (sinkId: string) => this.get<Sink>(sinkPath(sinkId)),
    update: (sinkId: string, settings: Partial<SinkSettings>) => this.patch<Sink>(sinkPath(sinkId), settings),
    delete: (sinkId: string) => this.delete(sinkPath(sinkId)),
    test: (sinkId: string) => this.post<SinkTestResult>(`${sinkPath(sinkId)}/test`),
    deliveries: (sinkId: string, query: DeliveryListQuery = {}) =>
      this.get<Page<Delivery>>(`${sinkPath(sinkId)}/deliveries`, { ...query }),
    redeliverFailed: (sinkId: string, request: RedeliverFailedRequest) =>
      this.post<Redeliveries>(`${sinkPath(sinkId)}/deliveries/redeliver`, request),
  };

  readonly stats = {
    /** An owner's own figures; an admin's cover everyone. */
    get: () => this.get<Stats>('/stats'),
  };

  readonly deliveries = {
    get: (deliveryId: string) => this.get<DeliveryDetail>(deliveryPath(deliveryId)),
    /** A new attempt on the same delivery, with the same event id (202). */
    redeliver: (deliveryId: string) => this.post<DeliveryDetail>(`${deliveryPath(deliveryId)}/redeliver`),
  };

  /** Admins get everyone's entries; anyone else the changes they made. */
  readonly audit = {
    list: (query: AuditQuery = {}) => this.get<Page<AuditEntry>>('/audit', { ...query }),
  };

  private get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return firstValueFrom(this.http.get<T>(API_BASE + path, { params: toParams(query) }));
  }

  private post<T>(path: string, body: object = {}, context?: HttpContext): Promise<T> {
    return firstValueFrom(this.http.post<T>(API_BASE + path, body, { context }));
  }

  private patch<T>(path: string, body: object): Promise<T> {
    return firstValueFrom(this.http.patch<T>(API_BASE + path, body));
  }

  private async delete(path: string): Promise<void> {
    await firstValueFrom(this.http.delete(API_BASE + path));
  }
}

const sessionPath = (sessionId: string) => `/sessions/${encodeURIComponent(sessionId)}`;
const webhookPath = (webhookId: string) => `/webhooks/${encodeURIComponent(webhookId)}`;
const sinkPath = (sinkId: string) => `/sinks/${encodeURIComponent(sinkId)}`;
const deliveryPath = (deliveryId: string) => `/deliveries/${encodeURIComponent(deliveryId)}`;

function toParams(query: Record<string, QueryValue> | undefined): HttpParams {
  let params = new HttpParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') params = params.set(name, String(value));
  }
  return params;
}
