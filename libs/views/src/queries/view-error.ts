/** Why a read was refused. The gateway turns these into error frames, HTTP into statuses. */
export type ViewErrorCode =
  | 'conversation-not-found'
  | 'not-a-member'
  | 'message-not-found'
  | 'not-the-sender'
  | 'no-shared-conversation'
  | 'bad-cursor'
  | 'bad-page'
  | 'bad-query';

export class ViewError extends Error {
  constructor(
    readonly code: ViewErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ViewError';
  }
}
