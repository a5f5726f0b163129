export {
  problemDocument,
  refuse,
  Refusal,
  sendProblem,
  type Problem,
  type ProblemResponse,
} from '@chat/commands';
