// The question's payload carried a description, which is no field of the
// contact list (dialbookd would answer 400 invalid.property).
// Each `// tsc:` comment names an error tsc must give on the next line
// (its code and words of its text); ts.test.js fails when it does not, or
// when tsc finds another error.
import { Models } from 'purecloud-platform-client-v2';

export const contactList: Models.ContactList = {
  name: 'spring campaign',
  // tsc: TS2353 'description' does not exist in type 'ContactList'
  description: 'Leads for the spring campaign',
  columnNames: ['phone'],
};
