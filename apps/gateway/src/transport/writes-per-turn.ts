/** What a socket offers to hold writes back and release them as one. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * Holds a socket's writes from the first one in a turn of the event loop until the turn's
 * synchronous work is done, then lets them go as one write. One Redis read in the gateway
 * often carries several projected batches for the same people, each change a frame: held
 * together they cost one system call per socket per turn instead of one per frame. Nothing
 * waits on a timer: the writes leave before any I/O callback runs again.
 */
export function writesPerTurn(socket: Corkable): () => void {
  let held = false;
  const release = () => {
    held = false;
    socket.uncork();
  };
  return () => {
    if (held) return;
    held = true;
    socket.cork();
    process.nextTick(release);
  };
}
