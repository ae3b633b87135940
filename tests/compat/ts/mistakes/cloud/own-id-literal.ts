// The question's id in an object literal: the typings already refuse it
// (own-id.ts sends it through a cast, and the server refuses it).
// Each `// tsc:` comment names an error tsc must give on the next line
// (its code and words of its text); ts.test.js fails when it does not, or
// when tsc finds another error.
import { Models } from 'purecloud-platform-client-v2';

export const contactList: Models.ContactList = {
  name: 'spring campaign',
  columnNames: ['phone'],
  // tsc: TS2353 'contactListId' does not exist in type 'ContactList'
  contactListId: 'spring-campaign',
};
