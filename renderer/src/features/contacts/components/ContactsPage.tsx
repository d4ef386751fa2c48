import { useRoute } from '../../../app/navigation/route.ts';
import { ContactDetailPage } from './ContactDetailPage.tsx';
import { ContactListPage } from './ContactListPage.tsx';

/** #/contacts lists the contacts; #/contacts/<id> is one contact's page. */
export function ContactsPage() {
  const { params } = useRoute();
  const id = params[0];
  return id ? <ContactDetailPage key={id} id={id} /> : <ContactListPage />;
}
