// The question's mistake, kept on purpose: the list's id sent by the client.
// The typings refuse `contactListId` in an object literal (it is no field of
// Models.ContactList), so it takes a cast to send it; dialbookd then answers
// 400 invalid.value with an INVALID_VALUE detail naming contactListId.
import { Models, OutboundApi } from 'purecloud-platform-client-v2';

export function createWithOwnId(
  outboundApi: OutboundApi,
  name: string,
  contactListId: string,
): Promise<Models.ContactList> {
  const contactList = { name, columnNames: ['phone'], contactListId } as Models.ContactList;
  return outboundApi.postOutboundContactlists(contactList);
}
