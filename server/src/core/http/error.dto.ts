import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The shape of every error answer (see HttpExceptionFilter). */
export class ErrorDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'Session 6f1c… not found',
    description: 'A sentence, or one per invalid field',
  })
  message!: string | string[];

  @ApiPropertyOptional({ description: 'Quote it when reporting a problem: it is in the server log' })
  correlationId?: string;
}
