import { Alert, Button, Center, Code, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { api, ConsoleApiError } from '../api.ts';
import type { SessionInfo } from '../types.ts';

export function SignInPage({ notice, onSignedIn }: { notice: string | null; onSignedIn: (session: SessionInfo) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totpCode, setTotpCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [recovery, setRecovery] = useState<{ codes: string[]; session: SessionInfo } | null>(null);
  const [enrollment, setEnrollment] = useState<{ secret: string; otpauthUrl: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api<SessionInfo & { recoveryCodes?: string[] }>('POST', '/session', { body: { email, password, ...(needsCode && totpCode ? { totpCode } : {}) } });
      if (session.recoveryCodes) setRecovery({ codes: session.recoveryCodes, session });
      else onSignedIn(session);
    } catch (failure) {
      if (failure instanceof ConsoleApiError && (failure.code === 'totp_required' || failure.code === 'invalid_totp')) setNeedsCode(true);
      if (failure instanceof ConsoleApiError && failure.code === 'totp_enrollment_required') {
        setNeedsCode(true);
        setEnrollment((failure.data.enrollment as { secret: string; otpauthUrl: string } | undefined) ?? null);
      }
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (recovery) {
    return (
      <Center mih="100vh" p="md" component="main">
        <Paper withBorder shadow="sm" p="xl" w={440} maw="100%">
          <Stack>
            <Title order={1} size="h3">
              Two-factor sign-in is on
            </Title>
            <Text size="sm">Keep these recovery codes somewhere safe: each signs you in once if you lose your authenticator. They are not shown again.</Text>
            <Code block data-testid="recovery-codes">
              {recovery.codes.join('\n')}
            </Code>
            <Button onClick={() => onSignedIn(recovery.session)}>I have saved them — continue</Button>
          </Stack>
        </Paper>
      </Center>
    );
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={400} maw="100%">
        <form onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
          <Stack>
            <div>
              <Title order={1} size="h3" id="sign-in-title">
                ROI Desk console
              </Title>
              <Text size="sm" c="dimmed">
                For brokerage managers and platform administrators.
              </Text>
            </div>
            {notice && !error && (
              <Alert color="yellow" role="status">
                {notice}
              </Alert>
            )}
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <TextInput label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus autoFocus />
            <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            {enrollment && (
              <Alert color="blue" title="Set up two-factor sign-in">
                <Text size="sm">Add this key to your authenticator app, then enter the code it shows:</Text>
                <Code block mt="xs" style={{ wordBreak: 'break-all' }}>
                  {enrollment.secret}
                </Code>
              </Alert>
            )}
            {needsCode && (
              <TextInput label="Authenticator code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={totpCode} onChange={(e) => setTotpCode(e.currentTarget.value)} />
            )}
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
