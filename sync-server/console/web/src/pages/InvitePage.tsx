// Where an invitation or password-reset link lands: /console/invite#<token>. The token never leaves
// the browser except in the two API calls' bodies.
import { Alert, Button, Center, Loader, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api.ts';

type Invite = { email: string; name: string; brokerageName: string | null; kind: 'invite' | 'reset' };
const MIN_LENGTH = 10;

export function InvitePage() {
  const [token] = useState(() => window.location.hash.slice(1));
  const [invite, setInvite] = useState<Invite | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // Out of the address bar (and history) as soon as it has been read.
    window.history.replaceState(null, '', '/console/invite');
    if (!token) {
      setError('This link is incomplete. Open the whole link from your invitation.');
      return;
    }
    api<Invite>('POST', '/invites/lookup', { body: { token } })
      .then(setInvite)
      .catch((failure: Error) => setError(failure.message));
  }, [token]);

  const mismatch = confirm.length > 0 && confirm !== password;
  const tooShort = password.length > 0 && password.length < MIN_LENGTH;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (mismatch || tooShort) return;
    setBusy(true);
    try {
      await api('POST', '/invites/accept', { body: { token, password } });
      setDone(true);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={440} maw="100%">
        <Stack>
          <Title order={1} size="h3">
            {invite?.kind === 'reset' ? 'Choose a new password' : 'Welcome to ROI Desk'}
          </Title>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          {!invite && !error && <Loader aria-label="Checking the link" />}
          {done && (
            <Alert color="green" role="status">
              Your password is set. Sign in to the ROI Desk app{invite?.kind === 'reset' ? ' again on each of your computers' : ''} with {invite?.email}.
            </Alert>
          )}
          {invite && !done && (
            <form onSubmit={(event) => void submit(event)}>
              <Stack>
                <Text size="sm">
                  {invite.name} ({invite.email}){invite.brokerageName ? ` · ${invite.brokerageName}` : ''}
                </Text>
                <PasswordInput
                  label="New password"
                  description={`At least ${MIN_LENGTH} characters.`}
                  autoComplete="new-password"
                  required
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                  error={tooShort ? `Use at least ${MIN_LENGTH} characters.` : undefined}
                />
                <PasswordInput
                  label="Repeat the password"
                  autoComplete="new-password"
                  required
                  value={confirm}
                  onChange={(e) => setConfirm(e.currentTarget.value)}
                  error={mismatch ? 'The two passwords differ.' : undefined}
                />
                <Button type="submit" loading={busy} disabled={tooShort || mismatch || password.length === 0}>
                  Set password
                </Button>
              </Stack>
            </form>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
