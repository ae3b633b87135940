// The question's service, corrected, with dialbook's extensions typed by
// types/dialbook.d.ts: status and columnDefinitions. The SDK's typings
// require columnNames, so the service sends both views of the columns,
// agreeing (same names, same order), which dialbookd accepts. The id is
// never sent: the server assigns it and answers it.
import { Models, OutboundApi } from 'purecloud-platform-client-v2';

export class ContactListService {
  constructor(private readonly outboundApi: OutboundApi) {}

  createContactList(
    name: string,
    status: Models.DialbookContactListStatus,
    columns: Models.DialbookColumnDefinition[],
  ): Promise<Models.ContactList> {
    const contactList: Models.ContactList = {
      name,
      status,
      columnDefinitions: columns,
      columnNames: columns.map((column) => column.name),
    };
    return this.outboundApi.postOutboundContactlists(contactList);
  }
}
