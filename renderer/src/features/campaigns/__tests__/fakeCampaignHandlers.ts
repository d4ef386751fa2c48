// The campaign operations of the renderer's fake API client (renderer/src/testing/createFakeApiClient.ts):
// no campaigns and no mail account by default; tests override what they need.
import { vi, type Mock } from 'vitest';
import type { OperationInput, OperationName, OperationOutput } from '../../../shared/api/ipcContract.ts';
import type { Campaign } from '../types.ts';

type Handler<N extends OperationName> = (input?: OperationInput<N>) => Promise<OperationOutput<N>>;
type CampaignOperation =
  | 'listCampaigns'
  | 'getCampaign'
  | 'saveCampaign'
  | 'deleteCampaign'
  | 'countSegment'
  | 'listMergeTags'
  | 'previewCampaign'
  | 'sendTestEmail'
  | 'scheduleCampaign'
  | 'stopCampaign'
  | 'getCampaignStats'
  | 'getSmtpSettings'
  | 'saveSmtpSettings'
  | 'deleteSmtpSettings';

const notHere = async (): Promise<never> => {
  throw Object.assign(new Error('That campaign no longer exists on this device.'), { code: 'not_found' });
};
const noAccount = { configured: false, settings: null, hasPassword: false, keychain: 'os-keychain' as const };

export function fakeCampaignHandlers(overrides: Partial<{ [N in OperationName]: Handler<N> }>): { [N in CampaignOperation]: Mock<Handler<N>> } {
  return {
    listCampaigns: vi.fn<Handler<'listCampaigns'>>(overrides.listCampaigns ?? (async () => [])),
    getCampaign: vi.fn<Handler<'getCampaign'>>(overrides.getCampaign ?? notHere),
    saveCampaign: vi.fn<Handler<'saveCampaign'>>(overrides.saveCampaign ?? notHere),
    deleteCampaign: vi.fn<Handler<'deleteCampaign'>>(overrides.deleteCampaign ?? (async () => ({ deleted: false }))),
    countSegment: vi.fn<Handler<'countSegment'>>(overrides.countSegment ?? (async () => ({ matching: 0, recipients: 0, excluded: [], sample: [] }))),
    listMergeTags: vi.fn<Handler<'listMergeTags'>>(overrides.listMergeTags ?? (async () => [])),
    previewCampaign: vi.fn<Handler<'previewCampaign'>>(overrides.previewCampaign ?? (async () => ({ contactId: null, contactName: null, subject: '', html: '', text: '' }))),
    sendTestEmail: vi.fn<Handler<'sendTestEmail'>>(overrides.sendTestEmail ?? (async () => ({ sentTo: 'me@example.com' }))),
    scheduleCampaign: vi.fn<Handler<'scheduleCampaign'>>(overrides.scheduleCampaign ?? notHere),
    stopCampaign: vi.fn<Handler<'stopCampaign'>>(overrides.stopCampaign ?? notHere),
    getCampaignStats: vi.fn<Handler<'getCampaignStats'>>(overrides.getCampaignStats ?? (async () => ({ runs: [], recipients: [], progress: null }))),
    getSmtpSettings: vi.fn<Handler<'getSmtpSettings'>>(overrides.getSmtpSettings ?? (async () => noAccount)),
    saveSmtpSettings: vi.fn<Handler<'saveSmtpSettings'>>(overrides.saveSmtpSettings ?? (async () => noAccount)),
    deleteSmtpSettings: vi.fn<Handler<'deleteSmtpSettings'>>(overrides.deleteSmtpSettings ?? (async () => noAccount)),
  };
}

/** A draft campaign with an empty audience, as the campaign tests start from. */
export const sampleCampaign = (overrides: Partial<Campaign> = {}): Campaign => ({
  id: 'cmp-1',
  name: 'Spring',
  subject: 'Your home this spring',
  status: 'draft',
  schedule: { kind: 'none' },
  updatedAt: '2026-05-01T08:00:00.000Z',
  ownerId: 'u-1',
  lastRun: null,
  body: 'Hi',
  segment: { match: 'all', rules: [] },
  pendingChanges: 0,
  ...overrides,
});
