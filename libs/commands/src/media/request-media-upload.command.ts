import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { UploadRequest } from './upload-policy';

/** An upload intent: a media id and a pre-signed PUT for one object of that size and type. */
export interface UploadIntent {
  mediaId: string;
  upload: { method: 'PUT'; url: string; headers: Record<string, string> };
  expiresAt: string;
}

/** One object to upload straight to object storage. */
export class RequestMediaUploadCommand extends Command<UploadIntent> {
  constructor(
    readonly actor: Principal,
    readonly request: UploadRequest & { sha256: string | null },
  ) {
    super();
  }
}
