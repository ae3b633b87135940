// The question's service with the SDK's model alone (no dialbook
// extensions): the columns in the cloud's view, columnNames and
// phoneColumns. The OutboundApi is injected, so an Angular app provides it
// and a test passes one pointed at dialbookd. The id is never sent: the
// server assigns it and answers it.
import { Models, OutboundApi } from 'purecloud-platform-client-v2';

export class ContactListService {
  constructor(private readonly outboundApi: OutboundApi) {}

  createContactList(
    name: string,
    columns: string[],
    phoneColumns: string[],
  ): Promise<Models.ContactList> {
    const contactList: Models.ContactList = {
      name,
      columnNames: columns,
      phoneColumns: phoneColumns.map((columnName) => ({ columnName, type: 'cell' })),
    };
    return this.outboundApi.postOutboundContactlists(contactList);
  }
}
