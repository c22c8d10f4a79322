// The cluster: this node's identity and membership, and the bus the nodes talk on. Global: sessions, messages,
// webhooks and the realtime gateway all publish on the bus or listen to it.
import { Global, Module } from '@nestjs/common';
import { ClusterBus } from './cluster-bus';
import { ClusterMembership } from './cluster-membership';
import { ClusterNodesRepository } from './cluster-nodes.repository';
import { ClusterRequests } from './cluster-requests';
import { ClusterController } from './cluster.controller';
import { NodeIdentity } from './node-identity';

@Global()
@Module({
  controllers: [ClusterController],
  providers: [NodeIdentity, ClusterNodesRepository, ClusterMembership, ClusterBus, ClusterRequests],
  exports: [NodeIdentity, ClusterMembership, ClusterBus, ClusterRequests],
})
export class ClusterModule {}
