// dialbook's extensions of the Genesys Cloud contact list, for TypeScript
// users of the official SDK (purecloud-platform-client-v2). It augments the
// SDK's own Models.ContactList with the two fields dialbookd adds, so that an
// object literal carrying them passes tsc's excess-property checks and a
// wrong value is a compile error. See docs/typescript.md; the rules quoted
// here are those of docs/api-rules.md.
//
// Copy this file into your project (an Angular app compiles every *.d.ts
// under src/): the augmentation is resolved from where the file lives, so it
// must sit where 'purecloud-platform-client-v2' can be found.

// A module of its own, so that the block below augments the SDK's module
// instead of declaring a new one that hides it.
export {};

declare module 'purecloud-platform-client-v2' {
  namespace Models {
    interface ContactList {
      /**
       * dialbook extension: whether the list takes contacts. Genesys
       * Cloud's model has no such field; leave it out of requests to
       * the cloud.
       *
       * - `ACTIVE` (the default when a list is created without it) or
       *   `INACTIVE`: an inactive list refuses every contact write and
       *   import with `409`.
       * - dialbookd accepts either letter case and answers the spelling
       *   above, which is the one this type takes.
       * - Another value, or one that is not a string, is
       *   `400 invalid.value`: "Value [x] is not valid for field type
       *   [status]. Allowable values are: ACTIVE, INACTIVE".
       * - A `PUT` without `status` keeps the stored one, so clients that
       *   do not know the extension never reset it.
       */
      status?: 'ACTIVE' | 'INACTIVE';

      /**
       * dialbook extension: the list's columns, in order, as
       * `{name, type, required}`: another view of `columnNames`,
       * `phoneColumns`, `emailColumns` and `columnDataTypeSpecifications`.
       *
       * - Every read answers both views, each definition with its `type`
       *   and `required` filled in.
       * - The server needs either view; these typings need `columnNames`
       *   (the SDK declares it required, and an augmentation cannot make
       *   it optional). Send both: `columnNames` must name the same
       *   columns in the same order, e.g.
       *   `columnNames: columnDefinitions.map((c) => c.name)`; a
       *   disagreement is `400 invalid.value` on `columnDefinitions`.
       *   `phoneColumns` and `emailColumns` may be left out: they are
       *   derived (phone columns get `type: "cell"`, e-mail columns
       *   `"work"`); when sent they must name exactly the phone and
       *   e-mail columns. Numeric and timestamp columns get a
       *   NUMERIC or TIMESTAMP specification.
       * - 1 to 50 columns; names unique case-insensitively, and not a
       *   name the export writes for itself (`inin-outbound-id`,
       *   `ContactCallable`, `Callable-<column>`, ...).
       * - After creation the names are fixed, as `columnNames` is, and
       *   so is which columns are `phone` or `email`, as `phoneColumns`
       *   and `emailColumns` are (`400 cannot.update...`); `text`,
       *   `numeric` and `timestamp` may turn into one another (their
       *   specifications may change), and `required` may change. A `PUT`
       *   without `columnDefinitions` keeps the `required` flags; on a
       *   `PUT` with both views, a view equal to the stored list is taken
       *   as an echo and the other one decides.
       */
      columnDefinitions?: Array<Models.DialbookColumnDefinition>;
    }

    /** dialbook extension: the values of `ContactList.status`. */
    type DialbookContactListStatus = NonNullable<ContactList['status']>;

    /** dialbook extension: one column of `ContactList.columnDefinitions`. */
    interface DialbookColumnDefinition {
      /**
       * The column's name: 1 to 128 characters, no backslash, no
       * control characters. Values of a contact's `data` and the
       * header of an imported CSV file match it case-insensitively.
       */
      name: string;

      /**
       * What the column holds, `text` when left out; dialbookd accepts
       * either letter case and answers lower case. Contact values are
       * checked by it: `phone` takes E.164 (`+` and 8-15 digits) or a
       * national number of 7-15 digits (spaces, dashes, dots and
       * parentheses allowed), `email` takes `local@domain.tld`,
       * `numeric` a decimal number, `timestamp` an ISO-8601 date or
       * date-time.
       */
      type?: 'text' | 'phone' | 'email' | 'numeric' | 'timestamp';

      /**
       * Whether every contact must have a non-blank value in this
       * column (default `false`). A `PUT` may change it; one without
       * `columnDefinitions` keeps it.
       */
      required?: boolean;
    }
  }
}
