import { Alert, Button, Group, Loader, NativeSelect, NumberInput, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconAlertCircle, IconCloudOff } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useRoutingSettings } from '../hooks/useRoutingSettings.ts';
import { notify } from '../utils/notify.ts';
import { FALLBACK_OPTIONS, MODE_OPTIONS, type RoutingSettings, type RoutingState } from '../utils/teamFormat.ts';

const MAX_MINUTES = 7 * 24 * 60;

/** How new alerts find an agent, and when unclaimed CRITICAL ones escalate. Saved on the sync server. */
export function RoutingSettingsCard() {
  const routing = useRoutingSettings();
  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="routing-title">
      <Title order={2} size="h5" id="routing-title">
        Alert routing
      </Title>
      <Text size="xs" c="dimmed" mb="md">
        Applied once by the sync server when a new alert arrives from any device. An alert on a contact that already has an agent goes to that agent.
      </Text>
      {routing.loading && !routing.state ? (
        <Group gap="xs">
          <Loader size="sm" />
          <Text size="sm">Loading the routing settings…</Text>
        </Group>
      ) : routing.state ? (
        <RoutingForm key={JSON.stringify(routing.state.routing)} state={routing.state} onSave={routing.save} />
      ) : (
        <Alert
          color={routing.offline ? 'gray' : 'red'}
          icon={routing.offline ? <IconCloudOff size={18} /> : <IconAlertCircle size={18} />}
          title={routing.offline ? 'Routing settings need the server' : 'Could not load the routing settings'}
        >
          <Text size="sm">{routing.loadError}</Text>
          <Button mt="sm" size="compact-sm" variant="light" onClick={routing.reload}>
            Try again
          </Button>
        </Alert>
      )}
    </Paper>
  );
}

type RoutingFormProps = { state: RoutingState; onSave: (settings: RoutingSettings) => Promise<RoutingState> };

function RoutingForm({ state, onSave }: RoutingFormProps) {
  const [mode, setMode] = useState(state.routing.mode);
  const [fallback, setFallback] = useState(state.routing.fallback);
  const [minutes, setMinutes] = useState<string | number>(state.routing.escalateAfterMinutes);
  const [minutesError, setMinutesError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const changed = mode !== state.routing.mode || fallback !== state.routing.fallback || Number(minutes) !== state.routing.escalateAfterMinutes;
  const withTerritory = state.agents.filter((agent) => agent.territories.length > 0);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = typeof minutes === 'number' ? minutes : Number(minutes);
    if (minutes === '' || !Number.isInteger(value) || value < 1 || value > MAX_MINUTES) {
      setMinutesError(`Enter a whole number of minutes from 1 to ${MAX_MINUTES} (a week).`);
      return;
    }
    setMinutesError(null);
    setSaveError(null);
    setSaving(true);
    try {
      await onSave({ mode, fallback, escalateAfterMinutes: value });
      notify({ message: 'Routing saved. New alerts follow it from now on.' });
    } catch (cause) {
      setSaveError(errorMessage(cause));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} aria-label="Alert routing settings">
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <NativeSelect
            label="Assign new alerts"
            description={MODE_OPTIONS.find((option) => option.value === mode)?.description}
            data={MODE_OPTIONS.map(({ value, label }) => ({ value, label }))}
            value={mode}
            onChange={(event) => setMode(event.currentTarget.value as RoutingSettings['mode'])}
          />
          <NativeSelect
            label="When no agent holds the zip code"
            description={mode === 'territory' ? 'Territory routing only.' : 'Used with territory routing only.'}
            data={FALLBACK_OPTIONS}
            value={fallback}
            disabled={mode !== 'territory'}
            onChange={(event) => setFallback(event.currentTarget.value as RoutingSettings['fallback'])}
          />
          <NumberInput
            label="Escalate unclaimed CRITICAL alerts after"
            description="Minutes a CRITICAL alert may stay new before managers are alerted."
            rightSection={<Text size="xs" c="dimmed" pr="xs">min</Text>}
            rightSectionWidth={44}
            min={1}
            max={MAX_MINUTES}
            step={5}
            allowDecimal={false}
            value={minutes}
            onChange={setMinutes}
            error={minutesError}
          />
        </SimpleGrid>
        {mode === 'territory' && withTerritory.length === 0 && (
          <Alert color="yellow" icon={<IconAlertCircle size={18} />}>
            No agent has a territory yet, so every alert will take the fallback. Territories (zip codes) are set per agent by your administrator.
          </Alert>
        )}
        {mode === 'territory' && withTerritory.length > 0 && (
          <Text size="xs" c="dimmed">
            Territories: {withTerritory.map((agent) => `${agent.name} (${agent.territories.join(', ')})`).join('; ')}.
          </Text>
        )}
        {saveError && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} title="Routing was not saved">
            {saveError}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={saving} disabled={!changed}>
            Save routing
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
