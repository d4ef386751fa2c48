// A complete OperationHandlers for tests of the IPC plumbing (registration, lifecycle): every operation
// answers that it is not part of the test, so a fake stays complete as features add operations, and a
// test overrides only what it exercises.
import type { OperationHandlers } from '../contract.ts';
import { AppError } from '../errors.ts';
import { OPERATION_NAMES } from '../operations.ts';

export function unavailableHandlers(): OperationHandlers {
  return Object.fromEntries(
    OPERATION_NAMES.map((name) => [
      name,
      async (): Promise<never> => {
        throw new AppError('unauthenticated', `${name} is not part of this test.`);
      },
    ]),
  ) as unknown as OperationHandlers;
}
