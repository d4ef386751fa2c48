import { Alert, Button, Group, Modal, NativeSelect, NumberInput, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { errorCode, errorMessage } from '../../../shared/api/ApiError.ts';
import type { PropertyDetail, PropertyFactName, PropertyFacts, PropertyFactsChanges } from '../../../shared/api/ipcContract.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { CONDITION_LABELS, FACT_LABELS, GRADE_LABELS, VIEW_LABELS } from '../utils/propertyFactLabels.ts';

export type EditFactsModalProps = {
  propertyId: string;
  facts: PropertyFacts;
  opened: boolean;
  onClose: () => void;
  /** The property after the correction, revalued. */
  onSaved: (detail: PropertyDetail) => void;
};

type Draft = Record<PropertyFactName, string | number | boolean>;

const NUMBER_FIELDS: { name: Exclude<PropertyFactName, 'condition' | 'grade' | 'view' | 'waterfront'>; step: number; decimals: number }[] = [
  { name: 'bedrooms', step: 1, decimals: 0 },
  { name: 'bathrooms', step: 0.25, decimals: 2 },
  { name: 'sqftLiving', step: 50, decimals: 0 },
  { name: 'sqftLot', step: 100, decimals: 0 },
  { name: 'floors', step: 0.5, decimals: 1 },
  { name: 'yrBuilt', step: 1, decimals: 0 },
  { name: 'yrRenovated', step: 1, decimals: 0 },
];
const SCALES = { condition: CONDITION_LABELS, grade: GRADE_LABELS, view: VIEW_LABELS } as const;

const draftOf = (facts: PropertyFacts): Draft => Object.fromEntries(Object.entries(facts).map(([name, value]) => [name, value ?? ''])) as Draft;

/** Only what the agent changed, as the contract's facts; "" in a field means unknown (or never renovated). */
function changesOf(draft: Draft, facts: PropertyFacts): { changes: PropertyFactsChanges; errors: Partial<Record<PropertyFactName, string>> } {
  const changes: Record<string, unknown> = {};
  const errors: Partial<Record<PropertyFactName, string>> = {};
  for (const [name, raw] of Object.entries(draft) as [PropertyFactName, Draft[PropertyFactName]][]) {
    const value = raw === '' ? null : typeof raw === 'boolean' ? raw : Number(raw);
    if (value === facts[name]) continue;
    if (value === null && name !== 'yrRenovated') {
      errors[name] = `Enter the ${FACT_LABELS[name].toLowerCase()}`;
      continue;
    }
    changes[name] = value;
  }
  return { changes: changes as PropertyFactsChanges, errors };
}

/** "changes.sqftLiving: Living area is at least 200 sq ft" (the main process's validation) → that field's error. */
function fieldError(message: string): { field: PropertyFactName; message: string } | null {
  const match = /^changes\.(\w+): (.+)$/.exec(message);
  return match && match[1]! in FACT_LABELS ? { field: match[1] as PropertyFactName, message: match[2]! } : null;
}

/** Corrects the facts the estimate rests on; the new estimate comes back with the save (offline too). */
export function EditFactsModal({ propertyId, facts, opened, onClose, onSaved }: EditFactsModalProps) {
  const api = useApi();
  const [draft, setDraft] = useState<Draft>(() => draftOf(facts));
  const [errors, setErrors] = useState<Partial<Record<PropertyFactName, string>>>({});
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (name: PropertyFactName, value: Draft[PropertyFactName]) => {
    setDraft((current) => ({ ...current, [name]: value }));
    setErrors(({ [name]: _cleared, ...rest }) => rest);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { changes, errors: found } = changesOf(draft, facts);
    setErrors(found);
    setSubmitError(null);
    if (Object.keys(found).length > 0) return;
    if (Object.keys(changes).length === 0) return onClose();
    setSaving(true);
    try {
      onSaved(await api.updatePropertyFacts({ id: propertyId, changes }));
      onClose();
    } catch (cause) {
      const message = errorMessage(cause);
      const field = errorCode(cause) === 'invalid_input' ? fieldError(message) : null;
      if (field) setErrors({ [field.field]: field.message });
      else setSubmitError(message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Correct the facts" size="lg">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            The estimate is recalculated on this device as soon as you save, also without a connection; the correction syncs with it.
          </Text>
          {submitError && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="Could not save">
              {submitError}
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {NUMBER_FIELDS.map(({ name, step, decimals }) => (
              <NumberInput
                key={name}
                label={FACT_LABELS[name]}
                description={name === 'yrRenovated' ? 'Leave empty if never renovated' : undefined}
                value={draft[name] as string | number}
                onChange={(value) => set(name, value)}
                step={step}
                decimalScale={decimals}
                min={0}
                thousandSeparator={name.startsWith('sqft') ? ',' : undefined}
                error={errors[name]}
              />
            ))}
            {(Object.keys(SCALES) as (keyof typeof SCALES)[]).map((name) => (
              <NativeSelect
                key={name}
                label={FACT_LABELS[name]}
                value={String(draft[name])}
                onChange={(event) => set(name, event.currentTarget.value)}
                data={[{ value: '', label: 'Unknown' }, ...Object.entries(SCALES[name]).map(([value, label]) => ({ value, label }))]}
                error={errors[name]}
              />
            ))}
            <Switch label={FACT_LABELS.waterfront} checked={Boolean(draft.waterfront)} onChange={(event) => set('waterfront', event.currentTarget.checked)} mt="lg" />
          </SimpleGrid>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={saving}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              Save and revalue
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
