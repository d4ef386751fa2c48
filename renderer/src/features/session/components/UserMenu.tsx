import { Avatar, Badge, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconLogout } from '@tabler/icons-react';
import type { Session } from '../../../shared/api/ipcContract.ts';
import { roleLabel } from '../utils/roleLabel.ts';
import { SignOutConfirmModal } from './SignOutConfirmModal.tsx';

export type UserMenuProps = {
  user: Session['user'];
  /** Shown in the sign-out confirmation; null while the sync status is unknown. */
  pendingChanges: number | null;
};

export function UserMenu({ user, pendingChanges }: UserMenuProps) {
  const [confirmOpened, confirm] = useDisclosure(false);

  return (
    <>
      <Menu position="bottom-end" width={240} withinPortal>
        <Menu.Target>
          <UnstyledButton aria-label={`Account: ${user.name}`} data-testid="user-menu" px={6} py={4} style={{ borderRadius: 'var(--mantine-radius-md)' }}>
            <Group gap={8} wrap="nowrap">
              <Avatar size={30} radius="xl" color="initials" name={user.name} aria-hidden />
              <Text size="sm" fw={500} visibleFrom="sm" maw={160} truncate>
                {user.name}
              </Text>
              <IconChevronDown size={14} aria-hidden />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            <Text size="sm" fw={500} c="var(--mantine-color-text)" truncate>
              {user.name}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {user.email}
            </Text>
            <Badge size="xs" variant="light" color="gray" mt={6}>
              {roleLabel(user.role)}
            </Badge>
          </Menu.Label>
          <Menu.Divider />
          <Menu.Item leftSection={<IconLogout size={16} />} onClick={confirm.open}>
            Sign out…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <SignOutConfirmModal opened={confirmOpened} onClose={confirm.close} pendingChanges={pendingChanges} />
    </>
  );
}
