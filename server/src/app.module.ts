import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { ClusterModule } from './cluster/cluster.module';
import { AppConfig } from './core/config/app-config';
import { ConfigModule } from './core/config/config.module';
import { DatabaseModule } from './core/database/database.module';
import { HttpDraining } from './core/http/http-draining';
import { LoggingModule } from './core/logging/logging.module';
import { RuntimeModule } from './core/runtime/runtime.module';
import { GatewayModule } from './gateway/gateway.module';
import { HealthModule } from './health/health.module';
import { MediaModule } from './media/media.module';
import { MessagesModule } from './messages/messages.module';
import { SessionsModule } from './sessions/sessions.module';
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
        MediaModule,
        WhatsAppModule,
        SessionsModule,
        MessagesModule,
        WebhooksModule,
        GatewayModule,
      ],
      providers: [HttpDraining],
    };
  }
}
