// dialbook's status without types/dialbook.d.ts: the SDK's model has no such
// field, and only a fresh object literal is checked for unknown properties,
// so a body built first and passed on compiles with any string in it. A wrong
// value then reaches the server, which answers 400 invalid.value naming the
// allowed values (ACTIVE, INACTIVE).
import { Models, OutboundApi } from 'purecloud-platform-client-v2';

export function createWithStatus(
  outboundApi: OutboundApi,
  name: string,
  status: string,
): Promise<Models.ContactList> {
  const body = { name, status, columnNames: ['phone'] };
  return outboundApi.postOutboundContactlists(body);
}
