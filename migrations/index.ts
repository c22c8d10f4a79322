// Versioned schema migrations, applied in this order at boot. Add new ones at the end; never edit an applied one.
import type { MigrationInterface } from 'typeorm';
import { CreateUsers1764000000000 } from './1764000000000-CreateUsers';
import { CreateSessions1764100000000 } from './1764100000000-CreateSessions';
import { CreateWhatsAppAuthState1764200000000 } from './1764200000000-CreateWhatsAppAuthState';
import { AddSessionDesiredState1764300000000 } from './1764300000000-AddSessionDesiredState';
import { CreateWebhooks1764600000000 } from './1764600000000-CreateWebhooks';
import { CreateOutgoingMessages1764610000000 } from './1764610000000-CreateOutgoingMessages';
import { LoginFailuresPerAddress1765000000000 } from './1765000000000-LoginFailuresPerAddress';
import { AddWebhookAttemptReplyError1765100000000 } from './1765100000000-AddWebhookAttemptReplyError';
import { CreateMedia1765200000000 } from './1765200000000-CreateMedia';
import { AddOutgoingMessageKinds1765300000000 } from './1765300000000-AddOutgoingMessageKinds';
import { AddOutgoingMessageMediaForeignKey1765310000000 } from './1765310000000-AddOutgoingMessageMediaForeignKey';
import { CreateClusterNodes1765400000000 } from './1765400000000-CreateClusterNodes';
import { CreateSocketIoAttachments1765410000000 } from './1765410000000-CreateSocketIoAttachments';
import { AddSessionQr1765420000000 } from './1765420000000-AddSessionQr';
import { CreateRateLimitHits1765430000000 } from './1765430000000-CreateRateLimitHits';
import { AddSessionLeaseEpoch1765440000000 } from './1765440000000-AddSessionLeaseEpoch';
import { CreateContacts1765450000000 } from './1765450000000-CreateContacts';
import { CreateGroups1765460000000 } from './1765460000000-CreateGroups';
import { CreateMessageHistory1765470000000 } from './1765470000000-CreateMessageHistory';
import { AddSessionSettings1765480000000 } from './1765480000000-AddSessionSettings';
import { CreateClusterPayloads1765490000000 } from './1765490000000-CreateClusterPayloads';
import { AddApiKeyScopes1765500000000 } from './1765500000000-AddApiKeyScopes';
import { CreateSinks1765510000000 } from './1765510000000-CreateSinks';
import { IndexSinkDeliveries1765511000000 } from './1765511000000-IndexSinkDeliveries';
import { CreateAuditLog1765520000000 } from './1765520000000-CreateAuditLog';
import { AddStatsIndexes1765530000000 } from './1765530000000-AddStatsIndexes';

export const MIGRATIONS: (new () => MigrationInterface)[] = [
  CreateUsers1764000000000,
  CreateSessions1764100000000,
  CreateWhatsAppAuthState1764200000000,
  AddSessionDesiredState1764300000000,
  CreateWebhooks1764600000000,
  CreateOutgoingMessages1764610000000,
  LoginFailuresPerAddress1765000000000,
  AddWebhookAttemptReplyError1765100000000,
  CreateMedia1765200000000,
  AddOutgoingMessageKinds1765300000000,
  AddOutgoingMessageMediaForeignKey1765310000000,
  CreateClusterNodes1765400000000,
  CreateSocketIoAttachments1765410000000,
  AddSessionQr1765420000000,
  CreateRateLimitHits1765430000000,
  AddSessionLeaseEpoch1765440000000,
  CreateContacts1765450000000,
  CreateGroups1765460000000,
  CreateMessageHistory1765470000000,
  AddSessionSettings1765480000000,
  CreateClusterPayloads1765490000000,
  AddApiKeyScopes1765500000000,
  CreateSinks1765510000000,
  IndexSinkDeliveries1765511000000,
  CreateAuditLog1765520000000,
  AddStatsIndexes1765530000000,
];
