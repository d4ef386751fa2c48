import { Alert, Button, Group, Modal, Select, SimpleGrid, Stack, TagsInput, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import type { OperationOutput } from '../../../shared/api/ipcContract.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { STAGE_OPTIONS } from '../utils/format.ts';

type Contact = OperationOutput<'getContact'>['contact'];
type Form = { firstName: string; lastName: string; email: string; phone: string; stage: string; tags: string[]; source: string; zipcode: string };

const empty: Form = { firstName: '', lastName: '', email: '', phone: '', stage: 'lead', tags: [], source: '', zipcode: '' };
const fromContact = (c: Contact): Form => ({
  firstName: c.firstName,
  lastName: c.lastName,
  email: c.email ?? '',
  phone: c.phone ?? '',
  stage: c.stage,
  tags: c.tags,
  source: c.source ?? '',
  zipcode: c.zipcode ?? '',
});

export type ContactFormModalProps = { opened: boolean; onClose: () => void; onSaved: (id: string) => void; contact?: Contact };

/** Create a contact, or edit one (only changed fields are sent). Errors stay in the form. */
export function ContactFormModal({ opened, onClose, onSaved, contact }: ContactFormModalProps) {
  const api = useApi();
  const [form, setForm] = useState<Form>(contact ? fromContact(contact) : empty);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (opened) {
      setForm(contact ? fromContact(contact) : empty);
      setError(null);
    }
  }, [opened, contact]);
  const set = <K extends keyof Form>(key: K) => (value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const input = { ...form, stage: form.stage as never };
      if (contact) {
        const original = fromContact(contact);
        const changes = Object.fromEntries(Object.entries(input).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(original[key as keyof Form])));
        if (Object.keys(changes).length === 0) return onClose();
        onSaved((await api.updateContact({ id: contact.id, changes })).id);
      } else onSaved((await api.createContact(input)).id);
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={contact ? 'Edit contact' : 'New contact'} size="lg">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Stack>
          {error && (
            <Alert color="red" variant="light" role="alert">
              {error}
            </Alert>
          )}
          <SimpleGrid cols={2}>
            <TextInput label="First name" value={form.firstName} onChange={(e) => set('firstName')(e.currentTarget.value)} data-autofocus />
            <TextInput label="Last name" value={form.lastName} onChange={(e) => set('lastName')(e.currentTarget.value)} />
            <TextInput label="Email" type="email" value={form.email} onChange={(e) => set('email')(e.currentTarget.value)} />
            <TextInput label="Phone" type="tel" value={form.phone} onChange={(e) => set('phone')(e.currentTarget.value)} />
            <Select label="Stage" data={STAGE_OPTIONS} value={form.stage} onChange={(value) => set('stage')(value ?? 'lead')} allowDeselect={false} />
            <TextInput label="Zip code" value={form.zipcode} onChange={(e) => set('zipcode')(e.currentTarget.value)} maxLength={5} />
            <TextInput label="Source" value={form.source} onChange={(e) => set('source')(e.currentTarget.value)} placeholder="referral, open house…" />
            <TagsInput label="Tags" value={form.tags} onChange={set('tags')} placeholder="Type and press Enter" />
          </SimpleGrid>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              {contact ? 'Save' : 'Create contact'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
