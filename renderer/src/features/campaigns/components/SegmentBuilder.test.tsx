// @vitest-environment jsdom
import '../../../testing/setupDom.ts';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { createFakeApiClient } from '../../../testing/createFakeApiClient.ts';
import { renderWithProviders } from '../../../testing/renderWithProviders.tsx';
import { sampleCampaign } from '../__tests__/fakeCampaignHandlers.ts';
import type { SegmentInput } from '../types.ts';
import { SegmentBuilder } from './SegmentBuilder.tsx';

const saved = sampleCampaign({
  id: 'cmp-hot',
  name: 'Hot sellers 98103',
  subject: 'Hi',
  status: 'sent',
  segment: { match: 'all', rules: [{ kind: 'alert', types: ['sell'], minPriority: 'HIGH', statuses: [], negate: false }, { kind: 'propertyZipcode', zipcodes: ['98103'] }] },
});

function Harness({ onSegment }: { onSegment: (segment: SegmentInput) => void }) {
  const [segment, setSegment] = useState<SegmentInput>({ match: 'all', rules: [] });
  return (
    <SegmentBuilder
      value={segment}
      campaignId="cmp-new"
      onChange={(next) => {
        setSegment(next);
        onSegment(next);
      }}
    />
  );
}

describe('SegmentBuilder: saved audiences are reusable', () => {
  it('copies another campaign’s audience into this one, and never offers the campaign itself', async () => {
    const user = userEvent.setup();
    const picked: SegmentInput[] = [];
    const client = createFakeApiClient({
      listCampaigns: async () => [saved, { ...saved, id: 'cmp-new', name: 'This one' }],
      getCampaign: async (input) => {
        if (input?.id !== saved.id) throw new Error('unexpected campaign');
        return saved;
      },
    });
    renderWithProviders(<Harness onSegment={(s) => picked.push(s)} />, client);
    const reuse = (await screen.findAllByLabelText('Reuse the audience of another campaign')).find((element) => element.tagName === 'INPUT')!;
    await user.click(reuse);
    expect(screen.queryByRole('option', { name: 'This one' })).toBeNull();
    await user.click(await screen.findByRole('option', { name: 'Hot sellers 98103' }));
    await waitFor(() => expect(picked.at(-1)).toEqual(saved.segment));
    expect(screen.getAllByLabelText('Rule 1').find((element) => element.tagName === 'INPUT')!).toHaveProperty('value', 'Has an alert');
    expect(screen.getAllByLabelText('Rule 2').find((element) => element.tagName === 'INPUT')!).toHaveProperty('value', 'Home zip code');
  });
});
