import { ActionIcon, Group, Kbd, Popover, Table, Text, Title, Tooltip } from '@mantine/core';
import { useOs } from '@mantine/hooks';
import { IconKeyboard } from '@tabler/icons-react';
import { Fragment } from 'react';
import type { AppPage } from './appPages.ts';

export type ShortcutsHelpPopoverProps = {
  pages: readonly AppPage[];
  opened: boolean;
  onChange: (opened: boolean) => void;
};

export function ShortcutsHelpPopover({ pages, opened, onChange }: ShortcutsHelpPopoverProps) {
  const modifier = useOs() === 'macos' ? '⌘' : 'Ctrl';
  return (
    <Popover opened={opened} onChange={onChange} position="bottom-end" width={340} shadow="md" withArrow trapFocus returnFocus>
      <Popover.Target>
        <Tooltip label="Keyboard shortcuts (?)" withArrow>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            aria-label="Keyboard shortcuts"
            aria-expanded={opened}
            onClick={() => onChange(!opened)}
          >
            <IconKeyboard size={20} stroke={1.75} />
          </ActionIcon>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown aria-labelledby="shortcuts-heading" data-testid="shortcuts-help">
        <Title order={2} size="h5" mb="xs" id="shortcuts-heading">
          Keyboard shortcuts
        </Title>
        <Table verticalSpacing={6} horizontalSpacing={0} withRowBorders={false} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Go to</Table.Th>
              <Table.Th>Keys</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pages.map((page, index) => (
              <Table.Tr key={page.id}>
                <Table.Td>{page.label}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Kbd size="xs">G</Kbd>
                    <Text span size="xs" c="dimmed">
                      then
                    </Text>
                    <Kbd size="xs">{page.goKey.toUpperCase()}</Kbd>
                    {index < 9 && (
                      <Fragment>
                        <Text span size="xs" c="dimmed" mx={4}>
                          or
                        </Text>
                        <Kbd size="xs">{modifier}</Kbd>
                        <Kbd size="xs">{index + 1}</Kbd>
                      </Fragment>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
            <Table.Tr>
              <Table.Td>This list</Table.Td>
              <Table.Td>
                <Kbd size="xs">?</Kbd>
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dimmed" mt="xs">
          Shortcuts pause while you type in a field.
        </Text>
      </Popover.Dropdown>
    </Popover>
  );
}
