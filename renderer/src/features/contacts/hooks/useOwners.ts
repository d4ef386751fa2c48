import { useEffect, useState } from 'react';
import type { OperationOutput } from '../../../shared/api/ipcContract.ts';
import { useApi } from '../../../shared/api/useApi.ts';

export type Owner = OperationOutput<'listContactOwners'>[number];

/** The brokerage's people (owners of contacts, assignees of tasks). */
export function useOwners(): Owner[] {
  const api = useApi();
  const [owners, setOwners] = useState<Owner[]>([]);
  useEffect(() => {
    let live = true;
    api.listContactOwners().then(
      (list) => live && setOwners(list),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api]);
  return owners;
}
