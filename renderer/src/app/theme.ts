import { createTheme, localStorageColorSchemeManager, type CSSVariablesResolver } from '@mantine/core';

// Restrained: one accent (indigo) on Mantine's neutral grays; system fonts, so nothing is fetched.
export const theme = createTheme({
  primaryColor: 'indigo',
  // Shade 7 in light mode: indigo.6 is 4.3:1 on white, below WCAG AA for button and link text.
  primaryShade: { light: 7, dark: 5 },
  defaultRadius: 'md',
  cursorType: 'pointer',
  focusRing: 'auto',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif', fontWeight: '600' },
});

/** The light/dark choice is kept per computer; until one is made, the OS preference applies ('auto'). */
export const colorSchemeManager = localStorageColorSchemeManager({ key: 'roi-desk:color-scheme' });

/**
 * Mantine's light "dimmed" text (gray-6, #868e96) is 3.3:1 on white, below WCAG AA's 4.5:1, and it is
 * used for every secondary label; gray-7 (#495057) keeps the hierarchy at 8:1.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});
