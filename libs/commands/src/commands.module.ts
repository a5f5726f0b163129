import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { Config } from '@chat/config';
import { CONFIG, OBJECT_STORE, PG_POOL, REDIS } from '@chat/platform';
import type { ObjectStore } from '@chat/storage';
import { createLogger } from '@chat/observability';
import { CreateDirectConversationHandler } from './conversations/create-direct-conversation.handler';
import { CreateGroupHandler } from './conversations/create-group.handler';
import { AddMemberHandler } from './conversations/add-member.handler';
import { RemoveMemberHandler } from './conversations/remove-member.handler';
import { ChangeMemberRoleHandler } from './conversations/change-member-role.handler';
import { LeaveConversationHandler } from './conversations/leave-conversation.handler';
import { SendMessageHandler } from './messages/send-message.handler';
import { EditMessageHandler } from './messages/edit-message.handler';
import { DeleteMessageHandler } from './messages/delete-message.handler';
import { ReactToMessageHandler } from './messages/react-to-message.handler';
import { RemoveReactionHandler } from './messages/remove-reaction.handler';
import { AcknowledgeDeliveredHandler } from './receipts/acknowledge-delivered.handler';
import { MarkReadHandler } from './receipts/mark-read.handler';
import { RequestMediaUploadHandler } from './media/request-media-upload.handler';
import { IssueMediaDownloadUrlHandler } from './media/issue-media-download-url.handler';
import { MediaAttachments } from './media/media-attachments';
import { RegisterPushSubscriptionHandler } from './push/register-push-subscription.handler';
import { UnregisterPushSubscriptionHandler } from './push/unregister-push-subscription.handler';
import { ChangeConversationMuteHandler } from './push/change-conversation-mute.handler';
import { ChangePresenceSettingsHandler } from './presence/change-presence-settings.handler';
import { CommandBudget } from './pipeline/command-budget';
import { CommandConnections } from './pipeline/command-connections';
import { CommandPipeline } from './pipeline/command-pipeline';
import { EVENT_LOG, eventLogProvider, type EventLog } from './pipeline/event-log';
import { DecisionStates } from './pipeline/decision-states';
import { SendAdmission } from './pipeline/send-admission';
import { SendOnce } from './pipeline/send-once';
import { SendOrder } from './pipeline/send-order';
import { ViewsCatchUp } from './pipeline/views-catch-up';

const HANDLERS = [
  CreateDirectConversationHandler,
  CreateGroupHandler,
  AddMemberHandler,
  RemoveMemberHandler,
  ChangeMemberRoleHandler,
  LeaveConversationHandler,
  SendMessageHandler,
  EditMessageHandler,
  DeleteMessageHandler,
  ReactToMessageHandler,
  RemoveReactionHandler,
  AcknowledgeDeliveredHandler,
  MarkReadHandler,
  RequestMediaUploadHandler,
  IssueMediaDownloadUrlHandler,
  RegisterPushSubscriptionHandler,
  UnregisterPushSubscriptionHandler,
  ChangeConversationMuteHandler,
  ChangePresenceSettingsHandler,
];

/**
 * Every command's handler and the one pipeline they share, for any app that takes commands
 * (the command API over HTTP, the gateway over its sockets). The app imports it beside
 * `CqrsModule.forRoot()`; it runs on the app's own connections (libs/platform).
 */
@Module({
  providers: [
    eventLogProvider,
    {
      provide: CommandConnections,
      inject: [CONFIG, PG_POOL, REDIS, EVENT_LOG, OBJECT_STORE],
      useFactory: (config: Config, pool: Pool, redis: Redis, log: EventLog, objects: ObjectStore) =>
        ({ config, pool, redis, log, objects }) satisfies CommandConnections,
    },
    CommandPipeline,
    CommandBudget,
    DecisionStates,
    ViewsCatchUp,
    SendOrder,
    SendOnce,
    {
      provide: SendAdmission,
      inject: [CommandConnections],
      useFactory: ({ config }: CommandConnections) =>
        new SendAdmission(config.limits.maxPendingSends, config.limits.maxPendingSendsPerUser),
    },
    {
      provide: MediaAttachments,
      inject: [CommandConnections],
      useFactory: ({ objects, pool, config }: CommandConnections) =>
        new MediaAttachments(objects, pool, config.media, createLogger('media', config.logLevel)),
    },
    ...HANDLERS,
  ],
})
export class CommandsModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_LOG) private readonly log: EventLog) {}

  async onApplicationShutdown() {
    await this.log.close();
  }
}
