// A column type that is not dialbook's: a compile error, where the server
// would answer 400 invalid.value naming the allowed types.
// Each `// tsc:` comment names an error tsc must give on the next line
// (its code and words of its text); ts.test.js fails when it does not, or
// when tsc finds another error.
import { Models } from 'purecloud-platform-client-v2';

export const columns: Models.DialbookColumnDefinition[] = [
  // tsc: TS2322 The expected type comes from property 'type'
  { name: 'phone', type: 'mobile' },
];
