import { AuditEntryEntity } from '../../audit/audit-entry.entity';
import { ApiKeyEntity } from '../../auth/api-key.entity';
import { LoginFailureEntity } from '../../auth/login-failure.entity';
import { UserEntity } from '../../auth/user.entity';
import { GroupEntity, GroupSyncEntity } from '../../groups/group.entity';
import { ContactCheckEntity, ContactEntity } from '../../contacts/contact.entity';
import { ChatEntity, StoredMessageEntity } from '../../history/history.entity';
import { MediaChunkEntity, MediaEntity } from '../../media/media.entity';
import { OutgoingMessageEntity } from '../../messages/outgoing-message.entity';
import { SessionEntity } from '../../sessions/session.entity';
import { SinkEntity } from '../../sinks/sink.entity';
import { WhatsAppAuthCredsEntity, WhatsAppAuthKeyEntity } from '../../whatsapp/baileys/whatsapp-auth.entity';
import { WebhookAttemptEntity } from '../../webhooks/webhook-attempt.entity';
import { WebhookDeliveryEntity } from '../../webhooks/webhook-delivery.entity';
import { WebhookEventEntity } from '../../webhooks/webhook-event.entity';
import { WebhookEntity } from '../../webhooks/webhook.entity';

// The entity list TypeORM maps; the drift test compares it with the migrations.
export const ENTITIES: (new (...args: never[]) => object)[] = [
  UserEntity,
  ApiKeyEntity,
  LoginFailureEntity,
  SessionEntity,
  WhatsAppAuthCredsEntity,
  WhatsAppAuthKeyEntity,
  WebhookEntity,
  WebhookEventEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  SinkEntity,
  OutgoingMessageEntity,
  MediaEntity,
  MediaChunkEntity,
  GroupEntity,
  GroupSyncEntity,
  ContactEntity,
  ContactCheckEntity,
  StoredMessageEntity,
  ChatEntity,
  AuditEntryEntity,
];
