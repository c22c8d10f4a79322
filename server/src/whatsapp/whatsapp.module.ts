import { Global, Module } from '@nestjs/common';
import { MediaModule } from '../media/media.module';
import { AuthStateRepository } from './baileys/auth-state.repository';
import { BaileysProvider } from './baileys/baileys.provider';
import { WhatsAppEvents } from './events';
import { WhatsAppProvider } from './whatsapp.provider';

/** The WhatsApp side for every feature module: the provider (Baileys behind the abstract token) and the event bus. */
@Global()
@Module({
  imports: [MediaModule],
  providers: [WhatsAppEvents, AuthStateRepository, { provide: WhatsAppProvider, useClass: BaileysProvider }],
  exports: [WhatsAppProvider, WhatsAppEvents],
})
export class WhatsAppModule {}
