import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconHomeStats } from '@tabler/icons-react';

export type BrandMarkProps = {
  size?: 'sm' | 'lg';
};

export function BrandMark({ size = 'sm' }: BrandMarkProps) {
  const large = size === 'lg';
  return (
    <Group gap={large ? 'sm' : 8} wrap="nowrap">
      <ThemeIcon size={large ? 40 : 28} radius="md" variant="filled" aria-hidden>
        <IconHomeStats size={large ? 24 : 18} stroke={1.75} />
      </ThemeIcon>
      <Text fw={700} size={large ? 'xl' : 'md'} lts={-0.2}>
        ROI Desk
      </Text>
    </Group>
  );
}
