export type SignInFormValues = {
  email: string;
  password: string;
  serverUrl: string;
};

export type SignInFormErrors = Partial<Record<keyof SignInFormValues, string>>;

// Deliberately loose: the server has the last word; this only catches typos before a round trip.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateSignInForm(values: SignInFormValues): SignInFormErrors {
  const errors: SignInFormErrors = {};
  const email = values.email.trim();
  if (email === '') errors.email = 'Enter your email address';
  else if (!EMAIL_PATTERN.test(email)) errors.email = 'Enter a valid email address, like name@brokerage.com';
  if (values.password === '') errors.password = 'Enter your password';
  const serverUrl = values.serverUrl.trim();
  if (serverUrl !== '' && !isHttpUrl(serverUrl)) {
    errors.serverUrl = 'Enter the server address with http:// or https://, like https://sync.brokerage.com';
  }
  return errors;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export const hasErrors = (errors: SignInFormErrors): boolean => Object.keys(errors).length > 0;
