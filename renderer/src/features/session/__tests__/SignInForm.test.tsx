// @vitest-environment jsdom
import '../../../testing/setupDom.ts';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiError, createFakeApiClient, sampleAppInfo, sampleSession } from '../../../testing/createFakeApiClient.ts';
import { renderWithProviders } from '../../../testing/renderWithProviders.tsx';
import { SignInForm } from '../components/SignInForm.tsx';
import { SignInScreen } from '../components/SignInScreen.tsx';
import { resetSessionState, useSessionState } from '../states/sessionState.ts';

const DEFAULT_SERVER = 'https://sync.brokerage.test';

beforeEach(() => {
  resetSessionState();
  useSessionState.setState({ phase: 'signedOut' });
});

function renderForm(client = createFakeApiClient()) {
  const user = userEvent.setup();
  renderWithProviders(<SignInForm defaultServerUrl={DEFAULT_SERVER} />, client);
  return { user, client };
}

describe('SignInForm', () => {
  it('shows what is missing and does not call signIn when submitted empty', async () => {
    const { user, client } = renderForm();

    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Enter your email address')).toBeTruthy();
    expect(screen.getByText('Enter your password')).toBeTruthy();
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(screen.getByLabelText('Email'));
    expect(client.handlers.signIn).not.toHaveBeenCalled();
  });

  it('rejects a malformed email and clears the message once the field is edited', async () => {
    const { user, client } = renderForm();

    await user.type(screen.getByLabelText('Email'), 'avery@brokerage');
    await user.type(screen.getByLabelText('Password'), 'secret');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText(/Enter a valid email address/)).toBeTruthy();
    expect(client.handlers.signIn).not.toHaveBeenCalled();
    await user.type(screen.getByLabelText('Email'), '.test');
    expect(screen.queryByText(/Enter a valid email address/)).toBeNull();
  });

  it('submits with Enter, trims the email, leaves the configured server out, and signs the user in', async () => {
    let finish: (() => void) | undefined;
    const client = createFakeApiClient({
      signIn: () => new Promise((resolve) => (finish = () => resolve(sampleSession()))),
    });
    const { user } = renderForm(client);

    await user.type(screen.getByLabelText('Email'), '  avery@brokerage.test ');
    await user.type(screen.getByLabelText('Password'), 'correct horse{Enter}');

    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Signing in…');
    expect(screen.getByLabelText('Email')).toHaveProperty('disabled', true);
    expect(client.handlers.signIn).toHaveBeenCalledExactlyOnceWith({ email: 'avery@brokerage.test', password: 'correct horse' });

    finish?.();
    await waitFor(() => expect(useSessionState.getState().phase).toBe('signedIn'));
    expect(useSessionState.getState().session?.user.email).toBe('avery@brokerage.test');
  });

  it('shows the message of a wrong-password error and puts the cursor back in the password field', async () => {
    const client = createFakeApiClient({
      signIn: async () => {
        throw apiError('invalid_credentials', 'That email and password do not match. Check them and try again.');
      },
    });
    const { user } = renderForm(client);

    await user.type(screen.getByLabelText('Email'), 'avery@brokerage.test');
    await user.type(screen.getByLabelText('Password'), 'wrong{Enter}');

    const alert = await screen.findByTestId('sign-in-error');
    expect(alert.textContent).toContain("Couldn't sign you in");
    expect(alert.textContent).toContain('That email and password do not match. Check them and try again.');
    expect(screen.getByRole('button', { name: 'Sign in' })).toHaveProperty('disabled', false);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Password')));
    expect(useSessionState.getState().phase).toBe('signedOut');
  });

  it('opens Advanced on an unreachable server so the address can be checked', async () => {
    const client = createFakeApiClient({
      signIn: async () => {
        throw apiError('server_unreachable', 'Could not reach https://sync.brokerage.test: check your connection.');
      },
    });
    const { user } = renderForm(client);
    const advanced = screen.getByRole('button', { name: 'Advanced' });
    expect(advanced.getAttribute('aria-expanded')).toBe('false');

    await user.type(screen.getByLabelText('Email'), 'avery@brokerage.test');
    await user.type(screen.getByLabelText('Password'), 'pw{Enter}');

    expect((await screen.findByTestId('sign-in-error')).textContent).toContain("Can't reach the server");
    expect(screen.getByText('Could not reach https://sync.brokerage.test: check your connection.')).toBeTruthy();
    expect(advanced.getAttribute('aria-expanded')).toBe('true');
    expect(await screen.findByLabelText('Server')).toHaveProperty('value', DEFAULT_SERVER);
  });

  it('sends a server the user typed under Advanced, and validates it first', async () => {
    const { user, client } = renderForm();

    await user.click(screen.getByRole('button', { name: 'Advanced' }));
    const server = await screen.findByLabelText('Server');
    await user.clear(server);
    await user.type(server, 'sync.other.test');
    await user.type(screen.getByLabelText('Email'), 'avery@brokerage.test');
    await user.type(screen.getByLabelText('Password'), 'pw{Enter}');
    expect(await screen.findByText(/Enter the server address with http/)).toBeTruthy();
    expect(client.handlers.signIn).not.toHaveBeenCalled();

    await user.clear(server);
    await user.type(server, 'https://sync.other.test{Enter}');
    await waitFor(() =>
      expect(client.handlers.signIn).toHaveBeenCalledWith({
        email: 'avery@brokerage.test',
        password: 'pw',
        serverUrl: 'https://sync.other.test',
      }),
    );
  });
});

describe('SignInScreen', () => {
  it('pre-fills the server from getAppInfo and says when the session will not be remembered', async () => {
    const client = createFakeApiClient({ getAppInfo: async () => ({ ...sampleAppInfo, keychainAvailable: false }) });
    renderWithProviders(<SignInScreen />, client);

    expect(await screen.findByText(/you will need to sign in each time ROI Desk starts/)).toBeTruthy();
    // The Server field exists only while Advanced is open.
    await userEvent.click(screen.getByRole('button', { name: 'Advanced' }));
    expect(await screen.findByLabelText('Server')).toHaveProperty('value', DEFAULT_SERVER);
    expect(screen.getByRole('form', { name: 'Sign in' })).toBeTruthy();
  });

  it('keeps what the user typed when the app info arrives late', async () => {
    let answer: (() => void) | undefined;
    const client = createFakeApiClient({
      getAppInfo: () => new Promise((resolve) => (answer = () => resolve(sampleAppInfo))),
    });
    const user = userEvent.setup();
    renderWithProviders(<SignInScreen />, client);
    await user.type(screen.getByLabelText('Email'), 'avery@cascade.test');
    await user.type(screen.getByLabelText('Password'), 'secret-password');

    answer?.();
    expect(await screen.findByText(new RegExp(`ROI Desk ${sampleAppInfo.version}`))).toBeTruthy();
    expect(screen.getByLabelText('Email')).toHaveProperty('value', 'avery@cascade.test');
    expect(screen.getByLabelText('Password')).toHaveProperty('value', 'secret-password');
  });

  it('explains a sign-out the user did not ask for', async () => {
    useSessionState.setState({ notice: { kind: 'ended' } });
    renderWithProviders(<SignInScreen />, createFakeApiClient());

    expect((await screen.findByTestId('session-ended-notice')).textContent).toMatch(/revoked this device/);
  });

  it('asks for the authenticator code when the server wants a second factor, then sends it', async () => {
    const client = createFakeApiClient();
    client.handlers.signIn
      .mockRejectedValueOnce(apiError('totp_required', 'Enter the 6-digit code from your authenticator app (or a recovery code).'))
      .mockResolvedValueOnce(sampleSession());
    const { user } = renderForm(client);
    await user.type(screen.getByLabelText('Email'), 'avery@cascade.test');
    await user.type(screen.getByLabelText('Password'), 'secret-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    const code = await screen.findByLabelText('Verification code');
    await waitFor(() => expect(document.activeElement).toBe(code));
    expect(screen.getByTestId('sign-in-error').textContent).toContain('Two-factor sign-in');
    await user.type(code, '123456');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(client.handlers.signIn).toHaveBeenLastCalledWith({ email: 'avery@cascade.test', password: 'secret-password', totpCode: '123456' }));
  });
});
