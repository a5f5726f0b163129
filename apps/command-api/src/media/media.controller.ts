import { Controller, Get, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Principal } from '@chat/auth';
import type { Config } from '@chat/config';
import { MAX_MEDIA_BYTES } from '@chat/domain';
import { Actor } from '../auth/auth.guard';
import {
  IssueMediaDownloadUrlCommand,
  messageParams,
  RequestMediaUploadCommand,
} from '@chat/commands';
import { ApiCommand, JsonBody, PathParams } from '../http/openapi';

/**
 * An upload request as this deployment takes it: its allowed types enumerated and its size
 * limit as the maximum, so the document admits exactly what `checkUpload` lets through.
 */
export const uploadRequestBodyFor = (media: Pick<Config['media'], 'allowedTypes' | 'maxBytes'>) =>
  z
    .object({
      contentType: z
        .enum(media.allowedTypes as [string, ...string[]])
        .describe('MIME type of the object (application/octet-stream for encrypted media)'),
      sizeBytes: z
        .number()
        .int()
        .min(1)
        .max(Math.min(media.maxBytes, MAX_MEDIA_BYTES))
        .describe('Exact size in bytes'),
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'hex SHA-256')
        .nullable()
        .default(null),
    })
    .strict();

type UploadRequestBody = z.infer<ReturnType<typeof uploadRequestBodyFor>>;

const uploadIntent = z
  .object({
    mediaId: z.string(),
    upload: z
      .object({
        method: z.literal('PUT'),
        url: z.string(),
        headers: z.record(z.string()).describe('Send exactly these headers with the PUT'),
      })
      .strict(),
    expiresAt: z.string(),
  })
  .strict();

const downloadLink = z
  .object({
    url: z.string(),
    contentType: z.string(),
    sizeBytes: z.number().int(),
    expiresAt: z.string(),
    thumbnailUrl: z
      .string()
      .nullable()
      .describe('Same lifetime: a WebP thumbnail of an image (at most 320 px a side), or null'),
  })
  .strict();

/**
 * Media goes straight to object storage: this issues the URLs, never carries the bytes. Made
 * per configuration, since what an upload may be is configured.
 */
export function mediaController(config: Pick<Config['media'], 'allowedTypes' | 'maxBytes'>) {
  const uploadRequestBody = uploadRequestBodyFor(config);

  @ApiTags('media')
  @Controller()
  class MediaController {
    constructor(@Inject(CommandBus) readonly commands: CommandBus) {}

    @Post('v1/media/uploads')
    @ApiCommand({
      summary: 'Ask to upload one object: a media id and a pre-signed PUT for that size and type',
      response: uploadIntent,
      statuses: [201],
      refusals: [],
    })
    requestUpload(@Actor() actor: Principal, @JsonBody(uploadRequestBody) body: UploadRequestBody) {
      return this.commands.execute(new RequestMediaUploadCommand(actor, body));
    }

    @Get('v1/conversations/:conversationId/messages/:messageId/media')
    @ApiCommand({
      summary: "A short-lived download URL for a message's media (members who can see it)",
      response: downloadLink,
      statuses: [200],
      refusals: [403, 404],
    })
    download(
      @Actor() actor: Principal,
      @PathParams(messageParams) { conversationId, messageId }: z.infer<typeof messageParams>,
    ) {
      return this.commands.execute(
        new IssueMediaDownloadUrlCommand(actor, conversationId, messageId),
      );
    }
  }
  return MediaController;
}
