// The question's type: the models are not members of OutboundApi but of
// Models (Models.ContactList).
// Each `// tsc:` comment names an error tsc must give on the next line
// (its code and words of its text); ts.test.js fails when it does not, or
// when tsc finds another error.
import { OutboundApi } from 'purecloud-platform-client-v2';

// tsc: TS2694 has no exported member 'ContactList'
export type ContactList = OutboundApi.ContactList;
