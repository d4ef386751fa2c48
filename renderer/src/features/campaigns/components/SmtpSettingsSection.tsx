import { Alert, Badge, Button, Group, NumberInput, Paper, PasswordInput, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import type { SmtpSettingsInput, SmtpStatus } from '../types.ts';

const SECURITY_OPTIONS = [
  { value: 'tls', label: 'TLS (465)' },
  { value: 'starttls', label: 'STARTTLS (587)' },
  { value: 'none', label: 'None (this computer only)' },
];

const EMPTY: SmtpSettingsInput = { host: '', port: 587, security: 'starttls', user: '', fromName: '', fromEmail: '', ratePerSecond: 10 };

/** Settings → Email sending: the agent's own mail account, checked against the server before it is saved. */
export function SmtpSettingsSection() {
  const api = useApi();
  const [status, setStatus] = useState<SmtpStatus | null>(null);
  const [form, setForm] = useState<SmtpSettingsInput>(EMPTY);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);

  useEffect(() => {
    api.getSmtpSettings().then(
      (next) => {
        setStatus(next);
        if (next.settings) setForm(next.settings);
      },
      (cause: unknown) => setError(errorMessage(cause)),
    );
  }, [api]);

  const set = <K extends keyof SmtpSettingsInput>(key: K, value: SmtpSettingsInput[K]) => {
    setSaved(false);
    setForm((current) => ({ ...current, [key]: value }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const next = await api.saveSmtpSettings({ settings: form, ...(password ? { password } : {}) });
      setStatus(next);
      setPassword('');
      setSaved(true);
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    try {
      setStatus(await api.deleteSmtpSettings());
      setForm(EMPTY);
      setConfirmRemove(false);
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="smtp-heading">
      <form onSubmit={(event) => void submit(event)}>
        <Stack gap="sm">
          <Group justify="space-between">
            <div>
              <Title order={2} size="h4" fw={600} id="smtp-heading">
                Email sending
              </Title>
              <Text size="sm" c="dimmed">
                Campaigns go out from your own mail account. The password is kept in {status?.keychain === 'memory' ? 'memory only (no keychain on this computer)' : 'the system keychain'}.
              </Text>
            </div>
            {status && <Badge color={status.configured ? 'green' : 'gray'}>{status.configured ? 'Verified' : 'Not set up'}</Badge>}
          </Group>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Mail server" placeholder="smtp.example.com" required value={form.host} onChange={(e) => set('host', e.currentTarget.value)} />
            <NumberInput label="Port" required min={1} max={65535} value={form.port} onChange={(value) => set('port', Number(value) || 0)} />
          </SimpleGrid>
          <div>
            <Text size="sm" fw={500} id="smtp-security-label" mb={4}>
              Security
            </Text>
            <SegmentedControl aria-labelledby="smtp-security-label" data={SECURITY_OPTIONS} value={form.security} onChange={(value) => set('security', value as SmtpSettingsInput['security'])} />
          </div>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="User name" autoComplete="username" value={form.user} onChange={(e) => set('user', e.currentTarget.value)} />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              placeholder={status?.hasPassword ? 'Saved — type to replace' : ''}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <TextInput label="Sender name" placeholder="Avery Lee, Cascade Realty" value={form.fromName} onChange={(e) => set('fromName', e.currentTarget.value)} />
            <TextInput label="Sender address" type="email" required value={form.fromEmail} onChange={(e) => set('fromEmail', e.currentTarget.value)} />
          </SimpleGrid>
          <NumberInput
            label="Messages per second"
            description="Your provider's limit; sending never goes faster."
            min={1}
            max={500}
            w={220}
            value={form.ratePerSecond}
            onChange={(value) => set('ratePerSecond', Number(value) || 1)}
          />
          {error && (
            <Alert color="red" role="alert" title="Not saved">
              {error}
            </Alert>
          )}
          {saved && (
            <Alert color="green" role="status">
              The mail server accepted these settings; they are saved.
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={busy}>
              Check and save
            </Button>
            {status?.configured &&
              (confirmRemove ? (
                <>
                  <Text size="sm">Remove the account and its password from this computer?</Text>
                  <Button color="red" variant="light" onClick={() => void remove()}>
                    Remove
                  </Button>
                  <Button variant="subtle" onClick={() => setConfirmRemove(false)}>
                    Keep
                  </Button>
                </>
              ) : (
                <Button variant="subtle" color="red" onClick={() => setConfirmRemove(true)}>
                  Remove account…
                </Button>
              ))}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
