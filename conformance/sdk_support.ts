// Helpers the TypeScript SDK scenario's parts share.

import { ProblemFromJSON, ResponseError } from "./client";

/** The server under test (the scenario's one argument). */
export const baseUrl = process.argv[2];

/** Prints the step about to run. */
export function step(name: string): void {
  console.log(`typescript sdk: ${name}`);
}

/** Fails the scenario with `what` unless `condition` holds. */
export function check(condition: boolean, what: string): void {
  if (!condition) {
    throw new Error(`check failed: ${what}`);
  }
}

/** Expects `call` to fail with a problem of this status and code. */
export async function expectProblem(call: () => Promise<unknown>, status: number, code: string): Promise<void> {
  try {
    await call();
  } catch (err) {
    check(err instanceof ResponseError, `a ResponseError, not ${err}`);
    const response = (err as ResponseError).response;
    const problem = ProblemFromJSON(await response.json());
    check(response.status === status && problem.code === code, `${status} ${code}, got ${response.status} ${problem.code}`);
    return;
  }
  throw new Error(`expected ${status} ${code}`);
}
