import { describeError } from '../../services/cloud';

/** An error as staff see it: what went wrong and what to do (the seed's solution). */
export interface Problem {
  code: string;
  message: string;
  solution: string;
  field?: string;
}

export function toProblem(e: unknown): Problem {
  return describeError(e);
}

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';
