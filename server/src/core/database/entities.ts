import { ApiKeyEntity } from '../../auth/api-key.entity';
import { LoginFailureEntity } from '../../auth/login-failure.entity';
import { UserEntity } from '../../auth/user.entity';
import { SessionEntity } from '../../sessions/session.entity';
import { WhatsAppAuthCredsEntity, WhatsAppAuthKeyEntity } from '../../whatsapp/baileys/whatsapp-auth.entity';

// The entity list TypeORM maps; the drift test compares it with the migrations.
export const ENTITIES: (new (...args: never[]) => object)[] = [
  UserEntity,
  ApiKeyEntity,
  LoginFailureEntity,
  SessionEntity,
  WhatsAppAuthCredsEntity,
  WhatsAppAuthKeyEntity,
];
