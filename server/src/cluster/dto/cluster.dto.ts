import { ApiProperty } from '@nestjs/swagger';
import type { ClusterNode } from '../cluster-membership';

export class ClusterNodeDto {
  @ApiProperty({ format: 'uuid', description: 'New at every start of the process' })
  id!: string;

  @ApiProperty({ example: 'wago-7f9c4d' })
  host!: string;

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'Its last heartbeat (every 5 s)' })
  lastSeenAt!: string;

  @ApiProperty({ description: 'Sessions it runs, as of its last heartbeat' })
  sessions!: number;

  @ApiProperty({ description: 'The node that answered this request' })
  self!: boolean;

  static from(node: ClusterNode): ClusterNodeDto {
    return {
      id: node.id,
      host: node.host,
      version: node.version,
      startedAt: node.startedAt.toISOString(),
      lastSeenAt: node.lastSeenAt.toISOString(),
      sessions: node.sessions,
      self: node.self,
    };
  }
}

export class ClusterDto {
  @ApiProperty({
    type: [ClusterNodeDto],
    description: 'The nodes alive now (a heartbeat within the last 15 s), oldest first',
  })
  nodes!: ClusterNodeDto[];
}
