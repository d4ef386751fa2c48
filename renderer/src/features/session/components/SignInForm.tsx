import { Alert, Box, Button, Collapse, PasswordInput, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertCircle, IconChevronRight } from '@tabler/icons-react';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { errorCode, errorMessage } from '../../../shared/api/ApiError.ts';
import { useSignIn } from '../hooks/useSignIn.ts';
import { hasErrors, validateSignInForm, type SignInFormErrors, type SignInFormValues } from '../utils/validateSignInForm.ts';

export type SignInFormProps = {
  /** The server the app is configured for (getAppInfo); pre-fills the Advanced → Server field. */
  defaultServerUrl: string | null;
};

type FieldName = keyof SignInFormValues | 'code';
type SubmitError = { code: string | null; message: string };

const SUBMIT_ERROR_TITLES: Record<string, string> = {
  invalid_credentials: "Couldn't sign you in",
  server_unreachable: "Can't reach the server",
  timeout: "Can't reach the server",
  device_revoked: 'This device has been revoked',
  forbidden: 'Access denied',
  invalid_input: 'Check what you entered',
  totp_required: 'Two-factor sign-in',
  invalid_totp: 'That code did not work',
  totp_enrollment_required: 'Set up two-factor sign-in',
};

/** Server answers that mean "ask for the authenticator code" (then keep asking until signed in). */
const SECOND_FACTOR_CODES = new Set(['totp_required', 'invalid_totp', 'totp_enrollment_required']);

export function SignInForm({ defaultServerUrl }: SignInFormProps) {
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  /** null until the user edits it: until then the field follows the configured default. */
  const [editedServerUrl, setEditedServerUrl] = useState<string | null>(null);
  const [errors, setErrors] = useState<SignInFormErrors>({});
  const [submitError, setSubmitError] = useState<SubmitError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [secondFactorAsked, setSecondFactorAsked] = useState(false);
  const [code, setCode] = useState('');
  const [advancedOpen, advanced] = useDisclosure(false);
  const [focusTarget, setFocusTarget] = useState<FieldName | null>(null);
  const fields = {
    email: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
    serverUrl: useRef<HTMLInputElement>(null),
    code: useRef<HTMLInputElement>(null),
  };
  const advancedId = useId();
  const serverUrl = editedServerUrl ?? defaultServerUrl ?? '';

  // Focus after render: the Server field only becomes focusable once Advanced has expanded.
  useEffect(() => {
    const field = focusTarget && fields[focusTarget].current;
    if (!field) return;
    field.focus();
    setFocusTarget(null);
  });

  const clearError = (field: keyof SignInFormValues) => setErrors(({ [field]: _cleared, ...rest }) => rest);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    const found = validateSignInForm({ email, password, serverUrl });
    setErrors(found);
    setSubmitError(null);
    if (hasErrors(found)) {
      const first = (['email', 'password', 'serverUrl'] as const).find((field) => found[field]);
      if (first === 'serverUrl') advanced.open();
      setFocusTarget(first ?? null);
      return;
    }
    setSubmitting(true);
    const server = serverUrl.trim();
    try {
      // Only send a server the user chose: otherwise the main process keeps its configured one.
      const factor = code.trim();
      // Six digits come from the authenticator app; anything else is one of the printed recovery codes.
      const secondFactor = !secondFactorAsked || factor === '' ? {} : /^\d{6}$/.test(factor) ? { totpCode: factor } : { recoveryCode: factor };
      await signIn({ email: email.trim(), password, ...secondFactor, ...(server !== '' && server !== defaultServerUrl ? { serverUrl: server } : {}) });
    } catch (error) {
      const code = errorCode(error);
      setSubmitError({ code, message: errorMessage(error) });
      setSubmitting(false);
      if (code === 'server_unreachable') advanced.open();
      const asksForCode = code !== null && SECOND_FACTOR_CODES.has(code);
      if (asksForCode) {
        setSecondFactorAsked(true);
        setCode('');
      }
      setFocusTarget(code === 'invalid_credentials' ? 'password' : asksForCode ? 'code' : null);
    }
  };

  return (
    <form onSubmit={handleSubmit} noValidate aria-label="Sign in">
      <Stack gap="md">
        {submitError && (
          <Alert
            color="red"
            variant="light"
            icon={<IconAlertCircle size={18} />}
            title={(submitError.code && SUBMIT_ERROR_TITLES[submitError.code]) ?? 'Sign-in failed'}
            data-testid="sign-in-error"
          >
            {submitError.message}
          </Alert>
        )}
        <TextInput
          ref={fields.email}
          label="Email"
          type="email"
          autoComplete="username"
          placeholder="you@brokerage.com"
          value={email}
          onChange={(event) => {
            setEmail(event.currentTarget.value);
            clearError('email');
          }}
          error={errors.email}
          required
          withAsterisk={false}
          disabled={submitting}
          data-autofocus
        />
        <PasswordInput
          ref={fields.password}
          label="Password"
          // Mantine's default toggle label contains "password", which makes "the field labelled Password"
          // ambiguous for assistive tech and E2E locators alike.
          visibilityToggleButtonProps={{ 'aria-label': 'Show the characters you typed' }}
          autoComplete="current-password"
          value={password}
          onChange={(event) => {
            setPassword(event.currentTarget.value);
            clearError('password');
          }}
          error={errors.password}
          required
          withAsterisk={false}
          disabled={submitting}
        />
        {secondFactorAsked && (
          <TextInput
            ref={fields.code}
            label="Verification code"
            description="The 6-digit code from your authenticator app, or one of your recovery codes."
            autoComplete="one-time-code"
            inputMode="text"
            value={code}
            onChange={(event) => setCode(event.currentTarget.value)}
            disabled={submitting}
          />
        )}
        <Box>
          <UnstyledButton
            type="button"
            onClick={advanced.toggle}
            aria-expanded={advancedOpen}
            aria-controls={advancedId}
            fz="sm"
            c="dimmed"
            style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
          >
            <IconChevronRight
              size={14}
              aria-hidden
              style={{ transform: advancedOpen ? 'rotate(90deg)' : undefined, transition: 'transform 150ms ease' }}
            />
            Advanced
          </UnstyledButton>
          <Collapse expanded={advancedOpen} id={advancedId} keepMounted={false}>
            <TextInput
              ref={fields.serverUrl}
              mt="sm"
              label="Server"
              description="The sync server of your brokerage. Change it only if your admin asked you to."
              type="url"
              autoComplete="url"
              placeholder="https://sync.brokerage.com"
              value={serverUrl}
              onChange={(event) => {
                setEditedServerUrl(event.currentTarget.value);
                clearError('serverUrl');
              }}
              error={errors.serverUrl}
              disabled={submitting}
            />
          </Collapse>
        </Box>
        <Button type="submit" fullWidth loading={submitting} mt="xs">
          Sign in
        </Button>
        {submitting && (
          <Text size="xs" c="dimmed" ta="center" role="status">
            Signing in…
          </Text>
        )}
      </Stack>
    </form>
  );
}
