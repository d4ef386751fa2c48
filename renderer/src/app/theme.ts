import { createTheme, localStorageColorSchemeManager } from '@mantine/core';

// Restrained: one accent (indigo) on Mantine's neutral grays; system fonts, so nothing is fetched.
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 6, dark: 5 },
  defaultRadius: 'md',
  cursorType: 'pointer',
  focusRing: 'auto',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif', fontWeight: '600' },
});

/** The light/dark choice is kept per computer; until one is made, the OS preference applies ('auto'). */
export const colorSchemeManager = localStorageColorSchemeManager({ key: 'roi-desk:color-scheme' });
