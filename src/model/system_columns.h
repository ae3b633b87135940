/* The column names a contact-list export writes for itself: the contact id,
 * the contact's state, and per-column call records. A list column with one
 * of these names would make an export ambiguous and its re-import wrong, so
 * list columns may not use them (compared case-insensitively). The state
 * columns among them are read and written by model/contact_state.c; an
 * import ignores the others. One line adds a name. */
#ifndef DIALBOOK_SYSTEM_COLUMNS_H
#define DIALBOOK_SYSTEM_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

/* Whole names. */
#define SYSTEM_COLUMN_NAMES(X)                                                                     \
	X("inin-outbound-id")                                                                      \
	X("ContactCallable")                                                                       \
	X("ContactableByVoice")                                                                    \
	X("ContactableBySms")                                                                      \
	X("ContactableByEmail")                                                                    \
	X("ContactableByWhatsApp")                                                                 \
	X("AutomaticTimeZone")

/* Prefixes of the names written once per list column ("Callable-Cell"). */
#define SYSTEM_COLUMN_PREFIXES(X)                                                                  \
	X("CallRecordLastAttempt-")                                                                \
	X("CallRecordLastResult-")                                                                 \
	X("CallRecordLastAgentWrapup-")                                                            \
	X("CallRecordLastAttemptCampaign-")                                                        \
	X("SmsLastAttempt-")                                                                       \
	X("SmsLastResult-")                                                                        \
	X("SmsLastAttemptCampaign-")                                                               \
	X("Callable-")                                                                             \
	X("ContactableByVoice-")                                                                   \
	X("ContactableBySms-")                                                                     \
	X("ContactableByEmail-")                                                                   \
	X("ContactableByWhatsApp-")

/* True when name[0..len) is a system column's name or starts with one of
 * the per-column prefixes, in any letter case. */
bool system_column_name(const char *name, size_t len);

#endif
