import { SessionEntity } from '../../sessions/session.entity';

// The entity list TypeORM maps; the drift test compares it with the migrations.
export const ENTITIES: (new (...args: never[]) => object)[] = [SessionEntity];
