import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../../core/http/pagination';
import { SessionEntity, SessionSettings } from '../session.entity';
import { SESSION_STATUSES, SessionStatus } from '../session-status';

export class SessionDeviceDto {
  @ApiProperty({ nullable: true, type: String, example: 'android', description: 'The platform WhatsApp reports' })
  platform!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Chrome',
    description: 'What the phone lists as the linked device',
  })
  browser!: string | null;

  @ApiProperty({ nullable: true, type: Number, example: 12, description: 'The companion device number' })
  deviceId!: number | null;
}

export class SessionDisconnectDto {
  @ApiProperty({ nullable: true, type: Number, example: 428 })
  code!: number | null;

  @ApiProperty({ example: 'connection_lost' })
  reason!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}

export class SessionSettingsDto implements SessionSettings {
  @ApiProperty({ description: 'Decline every incoming call (call.received is still published)' })
  rejectCalls!: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Sorry, this line takes no calls. Write to us here instead.',
    description: 'Sent as a text to the caller of a declined call; null sends nothing',
  })
  rejectCallsMessage!: string | null;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'support-line' })
  name!: string;

  @ApiProperty({ enum: SESSION_STATUSES })
  status!: SessionStatus;

  @ApiProperty({ nullable: true, type: String, example: '15551234567@s.whatsapp.net', description: 'Phone-number JID' })
  jid!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '123456789012345@lid', description: 'LID' })
  lid!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '15551234567', description: 'Digits only' })
  phoneNumber!: string | null;

  @ApiProperty({ nullable: true, type: String })
  pushName!: string | null;

  @ApiProperty({ nullable: true, type: SessionDeviceDto })
  device!: SessionDeviceDto | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  lastConnectedAt!: string | null;

  @ApiProperty({ nullable: true, type: SessionDisconnectDto })
  lastDisconnect!: SessionDisconnectDto | null;

  @ApiProperty({ type: SessionSettingsDto })
  settings!: SessionSettingsDto;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  static from(session: SessionEntity): SessionDto {
    return {
      id: session.id,
      name: session.name,
      status: session.status,
      jid: session.jid,
      lid: session.lid,
      phoneNumber: session.phoneNumber,
      pushName: session.pushName,
      device: session.device,
      lastConnectedAt: session.lastConnectedAt?.toISOString() ?? null,
      lastDisconnect: session.lastDisconnect,
      settings: { rejectCalls: session.settings.rejectCalls, rejectCallsMessage: session.settings.rejectCallsMessage },
      createdAt: session.createdAt.toISOString(),
      updatedAt: session.updatedAt.toISOString(),
    };
  }
}

export class SessionListDto extends PageDto(SessionDto) {}
