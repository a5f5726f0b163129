import {
  CLIENT_FRAME_TYPES,
  clientFrame,
  isRefusalCode,
  namedRuleCode,
  type ClientFrame,
  type RefusalCode,
} from '@chat/protocol';

/** Why a text is not a client frame, as the `error` frame that answers it says. */
export interface BadFrame {
  id?: string;
  /** `bad-frame`, `invalid-frame`, `unknown-type`, or the code of a rule across a command's fields. */
  code: RefusalCode;
  message: string;
}

/** A client's text as a frame, or why it is not one. */
export function parseFrame(raw: string): { frame: ClientFrame } | { bad: BadFrame } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { bad: { code: 'bad-frame', message: 'a frame is one JSON object' } };
  }
  const parsed = clientFrame.safeParse(json);
  if (parsed.success) return { frame: parsed.data };
  const requestId =
    typeof (json as { id?: unknown })?.id === 'string' ? (json as { id: string }).id : undefined;
  const id = requestId === undefined ? {} : { id: requestId };
  const type = (json as { type?: unknown })?.type;
  // A rule across a command's fields refuses it as the command would be refused over HTTP.
  const named = namedRuleCode(parsed.error.issues);
  if (isRefusalCode(named)) {
    const message = parsed.error.issues.find((i) => i.code === 'custom')?.message ?? named;
    return { bad: { ...id, code: named, message } };
  }
  if (typeof type !== 'string' || !CLIENT_FRAME_TYPES.has(type)) {
    return {
      bad: { ...id, code: 'unknown-type', message: `unknown frame type ${describe(type)}` },
    };
  }
  const issues = parsed.error.issues
    .slice(0, 10)
    .map((i) => `${i.path.slice(0, 8).join('.') || 'frame'}: ${i.message}`);
  return { bad: { ...id, code: 'invalid-frame', message: issues.join('; ') } };
}

/**
 * The unknown type of a frame as an error message may quote it: never the client's value
 * serialized whole, which may be nested deeper than the stack (a RangeError) or be megabytes.
 */
function describe(type: unknown): string {
  if (typeof type === 'string') return JSON.stringify(type.slice(0, 64));
  if (Array.isArray(type)) return '(an array)';
  return type === null ? 'null' : `(a ${typeof type})`;
}
