// dialbook's status in an object literal typed by the SDK's model alone is an
// unknown property to tsc. Add types/dialbook.d.ts; cloud/untyped-status.ts
// shows what the server says when it is sent anyway.
// Each `// tsc:` comment names an error tsc must give on the next line
// (its code and words of its text); ts.test.js fails when it does not, or
// when tsc finds another error.
import { Models } from 'purecloud-platform-client-v2';

export const contactList: Models.ContactList = {
  name: 'spring campaign',
  // tsc: TS2353 'status' does not exist in type 'ContactList'
  status: 'ACTIVE',
  columnNames: ['phone'],
};
