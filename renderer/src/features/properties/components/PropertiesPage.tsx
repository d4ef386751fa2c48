import { useRoute } from '../../../app/navigation/route.ts';
import { PropertyDetailPage } from './PropertyDetailPage.tsx';
import { PropertyListPage } from './PropertyListPage.tsx';

/** #/properties lists the properties; #/properties/<id> is one property's dashboard. */
export function PropertiesPage() {
  const { params } = useRoute();
  const id = params[0];
  return id ? <PropertyDetailPage key={id} id={id} /> : <PropertyListPage />;
}
