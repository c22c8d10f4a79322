import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';

export class PairingCodeRequestDto {
  @ApiProperty({
    example: '15551234567',
    description: 'The phone number of the WhatsApp account to link, international format, digits only (`+` allowed)',
  })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Matches(/^\+?\d{7,15}$/, { message: 'phoneNumber must be 7 to 15 digits, optionally starting with +' })
  phoneNumber!: string;
}

export class PairingCodeDto {
  @ApiProperty({ example: 'ABCD1234', description: 'Type it on the phone: Linked devices → Link with phone number' })
  code!: string;
}

export class SessionQrDto {
  @ApiProperty({ description: 'The QR payload; render it as a QR code, or ask for image/png' })
  qr!: string;

  @ApiProperty({ format: 'date-time', description: 'When WhatsApp replaces this QR with the next one' })
  expiresAt!: string;
}
