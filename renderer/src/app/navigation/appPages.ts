import {
  IconAddressBook,
  IconBuildingEstate,
  IconChecklist,
  IconInbox,
  IconMail,
  IconSettings,
  IconUsersGroup,
  type Icon,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { CampaignsPage } from '../../features/campaigns/components/CampaignsPage.tsx';
import { ContactsPage } from '../../features/contacts/components/ContactsPage.tsx';
import { InboxPage } from '../../features/inbox/components/InboxPage.tsx';
import { PropertiesPage } from '../../features/properties/components/PropertiesPage.tsx';
import { SettingsPage } from '../../features/settings/components/SettingsPage.tsx';
import { TasksPage } from '../../features/tasks/components/TasksPage.tsx';
import { TeamPage } from '../../features/team/components/TeamPage.tsx';
import type { Role } from '../../shared/api/ipcContract.ts';

export type PageId = 'inbox' | 'contacts' | 'properties' | 'campaigns' | 'tasks' | 'team' | 'settings';

export type AppPage = {
  id: PageId;
  label: string;
  icon: Icon;
  /** The key pressed after "g" to open the page. */
  goKey: string;
  /** Who sees the page; null for everyone. */
  roles: readonly Role[] | null;
  component: ComponentType;
};

export const APP_PAGES: readonly AppPage[] = [
  { id: 'inbox', label: 'Inbox', icon: IconInbox, goKey: 'i', roles: null, component: InboxPage },
  { id: 'contacts', label: 'Contacts', icon: IconAddressBook, goKey: 'c', roles: null, component: ContactsPage },
  { id: 'properties', label: 'Properties', icon: IconBuildingEstate, goKey: 'p', roles: null, component: PropertiesPage },
  { id: 'campaigns', label: 'Campaigns', icon: IconMail, goKey: 'm', roles: null, component: CampaignsPage },
  { id: 'tasks', label: 'Tasks', icon: IconChecklist, goKey: 't', roles: null, component: TasksPage },
  { id: 'team', label: 'Team', icon: IconUsersGroup, goKey: 'a', roles: ['manager', 'admin'], component: TeamPage },
  { id: 'settings', label: 'Settings', icon: IconSettings, goKey: 's', roles: null, component: SettingsPage },
];

export const DEFAULT_PAGE_ID: PageId = 'inbox';

export const canOpenPage = (page: AppPage, role: Role): boolean => page.roles === null || page.roles.includes(role);

/** The pages a role sees, in navbar order (which is also the Ctrl+1…9 order). */
export const pagesForRole = (role: Role): AppPage[] => APP_PAGES.filter((page) => canOpenPage(page, role));

export const findPage = (id: string): AppPage | undefined => APP_PAGES.find((page) => page.id === id);

export function getPage(id: PageId): AppPage {
  const page = findPage(id);
  if (!page) throw new Error(`No page "${id}" in APP_PAGES.`);
  return page;
}
