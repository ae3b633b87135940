/* The control API's shapes (docs/control-api.md): one field table each,
 * read by its handlers' checks (field_check) and by the OpenAPI document
 * (tag "dialbook control"). Ranges that field_check does not know are the
 * handlers', named in each description. */
#ifndef DIALBOOK_CONTROL_FIELDS_H
#define DIALBOOK_CONTROL_FIELDS_H

#include "model/field.h"

#define CONTROL_MAX_RULES	   100
#define CONTROL_MAX_RETRY_AFTER	   86400
#define CONTROL_MAX_ADVANCE	   100000000
#define CONTROL_MAX_RATE	   1000000
#define CONTROL_MAX_NOT_READY	   1000
#define CONTROL_MAX_PATTERN	   512
#define CONTROL_JOURNAL_DEFAULT	   1000
#define CONTROL_JOURNAL_MAX	   100000
#define CONTROL_FAILURE_REASON_MAX 64

extern const struct field control_fault_fields[];	  /* FaultRule */
extern const struct field control_fault_listing_fields[]; /* FaultRuleListing */
extern const struct field control_import_pace_fields[];	  /* the "import" member */
extern const struct field control_export_pace_fields[];	  /* the "export" member */
extern const struct field control_progression_fields[];	  /* Progression */
extern const struct field control_progression_listing_fields[];
extern const struct field control_advance_fields[];	   /* AdvanceRequest */
extern const struct field control_advance_answer_fields[]; /* AdvanceAnswer */
extern const struct field control_reset_fields[];	   /* ResetRequest */
extern const struct field control_reset_answer_fields[];   /* ResetAnswer */
extern const struct field control_snapshot_fields[];	   /* Snapshot */
extern const struct field control_expire_answer_fields[];  /* ExpiredTokens */
extern const struct field control_journal_entry_fields[];  /* JournalEntry */
extern const struct field control_journal_fields[];	   /* Journal */
extern const struct field control_journal_query[];	   /* GET /_dialbook/journal */

#endif
