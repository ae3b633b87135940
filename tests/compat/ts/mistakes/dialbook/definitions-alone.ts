// columnDefinitions alone: dialbookd would take it, but the SDK declares
// columnNames required and an augmentation cannot change that. Send both
// views, agreeing, as dialbook/contact-list.service.ts does.
// Each `// tsc:` comment names an error tsc must give on the next line
// (its code and words of its text); ts.test.js fails when it does not, or
// when tsc finds another error.
import { Models } from 'purecloud-platform-client-v2';

// tsc: TS2741 Property '"columnNames"' is missing
export const contactList: Models.ContactList = {
  name: 'spring campaign',
  columnDefinitions: [{ name: 'phone', type: 'phone' }],
};
