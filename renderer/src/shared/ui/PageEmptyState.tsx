import { EmptyState, Paper } from '@mantine/core';
import type { ReactNode } from 'react';

export type PageEmptyStateProps = {
  icon: ReactNode;
  title: string;
  description: ReactNode;
  children?: ReactNode;
};

/** What a page shows while it has nothing to list: what will appear here, and why it is empty. */
export function PageEmptyState({ icon, title, description, children }: PageEmptyStateProps) {
  return (
    <Paper withBorder radius="md" py={64} px="xl">
      <EmptyState icon={icon} title={title} description={description} withIndicatorBackground maw={520} mx="auto">
        {children}
      </EmptyState>
    </Paper>
  );
}
