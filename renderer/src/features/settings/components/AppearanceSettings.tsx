import { Paper, SegmentedControl, Stack, Text, Title, useMantineColorScheme, type MantineColorScheme } from '@mantine/core';

const OPTIONS: Array<{ value: MantineColorScheme; label: string }> = [
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
  { value: 'auto', label: 'Match system' },
];

const isColorScheme = (value: string): value is MantineColorScheme => OPTIONS.some((option) => option.value === value);

export function AppearanceSettings() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <Paper withBorder radius="md" p="lg">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4" fw={600} id="appearance-heading">
            Appearance
          </Title>
          <Text size="sm" c="dimmed">
            Saved on this computer.
          </Text>
        </div>
        <SegmentedControl
          aria-labelledby="appearance-heading"
          data={OPTIONS}
          value={colorScheme}
          onChange={(value) => isColorScheme(value) && setColorScheme(value)}
          w="fit-content"
        />
      </Stack>
    </Paper>
  );
}
