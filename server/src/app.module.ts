import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CallsModule } from './calls/calls.module';
import { ClusterModule } from './cluster/cluster.module';
import { ContactsModule } from './contacts/contacts.module';
import { AppConfig } from './core/config/app-config';
import { ConfigModule } from './core/config/config.module';
import { DatabaseModule } from './core/database/database.module';
import { HttpDraining } from './core/http/http-draining';
import { LoggingModule } from './core/logging/logging.module';
import { RuntimeModule } from './core/runtime/runtime.module';
import { GatewayModule } from './gateway/gateway.module';
import { GroupsModule } from './groups/groups.module';
import { HealthModule } from './health/health.module';
import { HistoryModule } from './history/history.module';
import { MediaModule } from './media/media.module';
import { MessagesModule } from './messages/messages.module';
import { SessionsModule } from './sessions/sessions.module';
import { StatsModule } from './stats/stats.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WhatsAppModule } from './whatsapp/whatsapp.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        RuntimeModule,
        DatabaseModule,
        ClusterModule,
        HealthModule,
        AuthModule,
        AuditModule,
        MediaModule,
        WhatsAppModule,
        SessionsModule,
        ContactsModule,
        MessagesModule,
        WebhooksModule,
        HistoryModule,
        GroupsModule,
        CallsModule,
        GatewayModule,
        StatsModule,
      ],
      providers: [HttpDraining],
    };
  }
}
