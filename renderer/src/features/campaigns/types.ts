// The campaign shapes the UI works with, all derived from the IPC contract (types only).
import type { OperationInput, OperationOutput } from '../../shared/api/ipcContract.ts';

export type CampaignSummary = OperationOutput<'listCampaigns'>[number];
export type Campaign = OperationOutput<'getCampaign'>;
export type CampaignSchedule = Campaign['schedule'];
export type SegmentInput = NonNullable<OperationInput<'countSegment'>>['segment'];
export type SegmentRuleInput = NonNullable<SegmentInput['rules']>[number];
export type SegmentRuleKind = SegmentRuleInput['kind'];
export type SegmentCount = OperationOutput<'countSegment'>;
export type MergeTagInfo = OperationOutput<'listMergeTags'>[number];
export type CampaignPreview = OperationOutput<'previewCampaign'>;
export type CampaignStats = OperationOutput<'getCampaignStats'>;
export type RunStats = CampaignStats['runs'][number];
export type RunProgress = NonNullable<CampaignStats['progress']>;
export type SmtpStatus = OperationOutput<'getSmtpSettings'>;
export type SmtpSettingsInput = NonNullable<OperationInput<'saveSmtpSettings'>>['settings'];
