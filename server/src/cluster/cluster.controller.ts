import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AdminOnly } from '../auth/access.decorators';
import { AnyScope } from '../auth/api-key-scopes';
import { ErrorDto } from '../core/http/error.dto';
import { ClusterMembership } from './cluster-membership';
import { ClusterDto, ClusterNodeDto } from './dto/cluster.dto';

@ApiTags('cluster')
@ApiUnauthorizedResponse({ type: ErrorDto })
@AdminOnly()
// Admin-only and read-only: none of the published scopes is about the cluster, so any admin's key may look.
@AnyScope()
@Controller('cluster')
export class ClusterController {
  constructor(private readonly membership: ClusterMembership) {}

  @Get()
  @ApiOperation({
    summary: 'The nodes of the cluster (admin)',
    description: 'Every WAGO process on this database that is alive, and how many sessions each runs.',
  })
  @ApiOkResponse({ type: ClusterDto })
  async list(): Promise<ClusterDto> {
    const nodes = await this.membership.list();
    return { nodes: nodes.map((node) => ClusterNodeDto.from(node)) };
  }
}
