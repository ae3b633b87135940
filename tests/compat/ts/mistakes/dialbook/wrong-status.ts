// A status that is not dialbook's, with types/dialbook.d.ts: a compile error,
// where the server would answer 400 invalid.value.
// Each `// tsc:` comment names an error tsc must give on the next line
// (its code and words of its text); ts.test.js fails when it does not, or
// when tsc finds another error.
import { Models, OutboundApi } from 'purecloud-platform-client-v2';
import { ContactListService } from '../../dialbook/contact-list.service';

export const contactList: Models.ContactList = {
  name: 'paused calls',
  // tsc: TS2322 Type '"PAUSED"' is not assignable to type '"ACTIVE" | "INACTIVE" | undefined'
  // tsc: TS2322 The expected type comes from property 'status'
  status: 'PAUSED',
  columnNames: ['phone'],
};

export function createPaused(outboundApi: OutboundApi): Promise<Models.ContactList> {
  const service = new ContactListService(outboundApi);
  // tsc: TS2345 Argument of type '"PAUSED"' is not assignable
  return service.createContactList('paused calls', 'PAUSED', [{ name: 'phone', type: 'phone' }]);
}
