import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SessionsModule } from '../sessions/sessions.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { RealtimeConnectionLimit } from './realtime-connection-limit';
import { RealtimeConnections } from './realtime-connections.service';
import { SessionUpdates } from './session-updates.service';
import { SessionsWebSocketServer } from './sessions-websocket.server';
import { SessionsGateway } from './sessions.gateway';

/**
 * Realtime session status, QR and published events for the console and other clients: Socket.IO and a plain
 * WebSocket.
 */
@Module({
  imports: [AuthModule, SessionsModule, WebhooksModule],
  providers: [RealtimeConnectionLimit, RealtimeConnections, SessionUpdates, SessionsGateway, SessionsWebSocketServer],
})
export class GatewayModule {}
