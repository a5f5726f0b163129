import { z } from 'zod';
import { MAX_REACTION_CODE_POINTS, reactionProblem } from '@chat/domain';
import { documentedKeywords, documentedRule, text } from '@chat/protocol';

/**
 * A reaction: one emoji of 1 to MAX_REACTION_CODE_POINTS characters (reactionProblem in
 * @chat/domain, which says what is wrong). The document states the text rule (length, no
 * spaces or control characters); the emoji pattern stays
 * the validator's, because OpenAPI 3.0 reads patterns as ECMA 262 without the `u` flag, where a
 * range of astral characters such as U+1F000 to U+1FAFF cannot be spelled.
 */
export function reaction() {
  const base = text({ min: 1, max: MAX_REACTION_CODE_POINTS, spaces: false });
  const schema = base.superRefine((value, ctx) => {
    // What the text rule refuses (length, spaces, U+0000) it reports, once.
    if (!base.safeParse(value).success) return;
    const problem = reactionProblem(value);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });
  return documentedRule(schema, { ...documentedKeywords(base._def) });
}
