import { Box, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export type PageLayoutProps = {
  title: string;
  description?: ReactNode;
  /** Controls on the right of the title (filters, primary action). */
  actions?: ReactNode;
  children: ReactNode;
};

/** The frame of every page: one h1 (the landmark's name for screen readers), then the content. */
export function PageLayout({ title, description, actions, children }: PageLayoutProps) {
  return (
    <Stack gap="lg" maw={1200} mx="auto" w="100%">
      <Group justify="space-between" align="flex-end" wrap="nowrap">
        <Box>
          <Title order={1} size="h2" fw={600}>
            {title}
          </Title>
          {description && (
            <Text c="dimmed" size="sm" mt={4}>
              {description}
            </Text>
          )}
        </Box>
        {actions}
      </Group>
      {children}
    </Stack>
  );
}
